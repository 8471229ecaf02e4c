// The server's folders form layers: a module imports only from its own layer or the ones below.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/**
 * Each area's layer, lowest first. An area is a top-level folder, or one of presence/'s four
 * rooms; presence/'s own files (the shell that owns the clock) are the area `presence`.
 * Areas on one layer may use each other: http/, ingest/ and metrics/ are the network edge
 * (the tracker's WebSocket is an HTTP upgrade; /metrics is a route's guard).
 */
const LAYERS: ReadonlyArray<ReadonlyArray<string>> = [
  ["errors", "csv"],
  ["config"],
  ["presence/engine"],
  ["storage", "redis"],
  ["presence/replica"],
  ["presence/store"],
  ["users"],
  ["presence"],
  ["analytics"],
  ["presence/read-model"],
  ["auth"],
  ["share"],
  ["live"],
  ["http", "ingest", "metrics"],
  ["demo", "cli", "main"],
];

const LAYER_OF = new Map(LAYERS.flatMap((areas, layer) => areas.map((area) => [area, layer])));

/** What the pure engine may import besides itself: no timers, sockets, storage or Redis. */
const ENGINE_MAY_IMPORT = new Set(["@rollcall/protocol"]);

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Tests, contract suites and `testing/` helpers may reach anywhere: they are not the product. */
function isTestSupport(file: string): boolean {
  const path = relative(SRC, file);
  return (
    path.endsWith(".test.ts") ||
    path.endsWith("-contract.ts") ||
    path.startsWith("testing/") ||
    readFileSync(file, "utf8").includes('from "vitest"')
  );
}

function areaOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, "");
  if (parts[0] === "presence" && parts.length > 2) return `presence/${parts[1]}`;
  return parts[0]!;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g)].map(
    (match) => match[1]!,
  );
  return specs.map((spec) => ({
    from: file,
    to: spec.startsWith(".") ? resolve(dirname(file), spec) : spec,
  }));
}

const product = sourceFiles(SRC).filter((file) => !isTestSupport(file));
const imports = product.flatMap(importsOf);

describe("the server's layers", () => {
  it("puts every folder on a layer", () => {
    const unplaced = [...new Set(product.map(areaOf))].filter((area) => !LAYER_OF.has(area));
    expect(unplaced).toEqual([]);
  });

  it("imports only from the same layer or below", () => {
    const upwards = imports
      .filter((edge) => edge.to.startsWith(SRC) && !isTestSupport(edge.to.replace(/\.js$/, ".ts")))
      .map((edge) => ({ from: areaOf(edge.from), to: areaOf(edge.to), file: edge.from }))
      .filter((edge) => LAYER_OF.get(edge.to)! > LAYER_OF.get(edge.from)!)
      .map((edge) => `${relative(SRC, edge.file)} → ${edge.to}`);
    expect(upwards).toEqual([]);
  });

  it("keeps the presence engine free of I/O: it imports itself and the protocol only", () => {
    const outside = imports
      .filter((edge) => areaOf(edge.from) === "presence/engine")
      .filter((edge) =>
        edge.to.startsWith(SRC)
          ? areaOf(edge.to) !== "presence/engine"
          : !ENGINE_MAY_IMPORT.has(edge.to),
      )
      .map((edge) => `${relative(SRC, edge.from)} → ${edge.to}`);
    expect(outside).toEqual([]);
  });

  it("finds the imports it checks", () => {
    // A parser that found nothing would pass the checks above vacuously.
    expect(product.length).toBeGreaterThan(100);
    expect(imports.filter((edge) => areaOf(edge.from) === "http").length).toBeGreaterThan(100);
  });
});
