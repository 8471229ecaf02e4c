import { mkdtempSync, rmSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SectionReader, SectionWriter } from "./snapshot-sections.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-sections-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("snapshot sections", () => {
  it("reads back a section whose columns are empty, as an index with nothing in them saves it", async () => {
    const path = join(dir, "empty-columns.index");
    const writer = await open(path, "w");
    const sections = new SectionWriter(writer);
    const empty = new Int32Array(0);
    await sections.section(5, [new Uint8Array(empty.buffer), new Uint8Array(new ArrayBuffer(0))]);
    await sections.section(6, [new Uint8Array(new Float64Array(0).buffer), Buffer.from("after")]);
    await sections.flush();
    await writer.close();

    const reader = await open(path, "r");
    const read = new SectionReader(reader, (await stat(path)).size);
    expect((await read.section(5)).length).toBe(0);
    expect((await read.section(6)).toString("utf8")).toBe("after");
    await reader.close();
  });
});
