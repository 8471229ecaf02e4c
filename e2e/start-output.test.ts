// What `npm start` prints to a person's terminal: the formatted welcome, and no raw JSON log line
// from the routine work of the first moments (the analytics load, the index's first save).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually } from "./support/eventually.js";
import { freePort, REPO_ROOT } from "./support/rollcall-server.js";

describe("rollcall start's terminal", () => {
  it("shows the welcome text and no JSON log lines while it loads and saves the analytics", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "rollcall-start-"));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (key !== "PORT" && !key.startsWith("ROLLCALL_")) env[key] = value;
    }
    // The defaults of `npm start` in a terminal (log level included; human lines, as `auto` gives
    // a terminal), on a port and data dir of the test's own.
    const child = spawn(
      process.execPath,
      ["--max-semi-space-size=8", join(REPO_ROOT, "packages/server/bin/rollcall.js"), "start"],
      {
        cwd: REPO_ROOT,
        env: {
          ...env,
          PORT: String(port),
          ROLLCALL_HOST: "127.0.0.1",
          ROLLCALL_DATA_DIR: dataDir,
          ROLLCALL_LOG_FORMAT: "pretty",
          XDG_STATE_HOME: join(dataDir, ".state"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await eventually(() => expect(output).toContain("Rollcall is running at"), 30_000);
      // The index's first save, done once the analytics are loaded.
      await eventually(
        () => expect(existsSync(join(dataDir, "rollcall.index"))).toBe(true),
        60_000,
      );
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    const jsonLines = output.split("\n").filter((line) => line.trimStart().startsWith("{"));
    expect(jsonLines, output).toEqual([]);
  }, 120_000);
});
