// The built `rollcall` command run as an operator would, from another directory than the server's:
// it finds the server's data (or says how to), never makes a stray database, and lists its
// platform commands.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type ServerProcess, startServerProcess } from "../testing/server-process.js";

const BIN = fileURLToPath(new URL("../../bin/rollcall.js", import.meta.url));
const SECRET = "cli-data-secret-0123456789";

const root = mkdtempSync(join(tmpdir(), "rollcall-cli-data-"));
const serverData = join(root, "srv");
const state = join(root, "state");
const elsewhere = join(root, "elsewhere");
let server: ServerProcess;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rollcall …` in `elsewhere`, with only these settings (none of the server's). */
function rollcall(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: elsewhere, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  mkdirSync(elsewhere, { recursive: true });
  server = await startServerProcess({
    port: await freePort(),
    dataDir: serverData,
    secret: SECRET,
    env: { XDG_STATE_HOME: state },
  });
}, 120_000);

afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
  rmSync(root, { recursive: true, force: true });
});

describe("the rollcall command beside a running server", () => {
  it("signs a token for the server it finds from the record of its start, saying so", async () => {
    const run = await rollcall(["token", "viewer", "--sub", "ops", "--role", "owner"], {
      XDG_STATE_HOME: state,
    });
    expect(run.stderr).toContain(`using ${serverData}`);
    expect(run.code).toBe(0);
    const token = run.stdout.trim().split("\n").at(-1) ?? "";
    const apps = await fetch(`${server.url}/api/v1/apps`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(apps.status).toBe(200);
    expect(existsSync(join(elsewhere, "data"))).toBe(false);
  });

  it("without the record or settings, says where it looked and what to do, creating nothing", async () => {
    const run = await rollcall(["token", "viewer", "--sub", "ops", "--role", "owner"], {
      XDG_STATE_HOME: join(root, "no-state"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /no Rollcall database in .*elsewhere\/data \(the default \.\/data\)/,
    );
    expect(run.stderr).toContain("ROLLCALL_DATA_DIR or --data-dir");
    expect(existsSync(join(elsewhere, "data"))).toBe(false);
  });

  it("takes --data-dir, says which database it opened, lists and shows platforms", async () => {
    const list = await rollcall(["platform", "list", "--data-dir", serverData]);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain(`SQLite database ${join(serverData, "rollcall.sqlite")}`);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+CREATED\s+SECRETS\ndefault\s+/);
    const show = await rollcall(["platform", "show", "--id", "default", "--data-dir", serverData]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^id: +default\n/);
    expect(show.stdout).not.toContain(SECRET);
    const shown = await rollcall([
      "platform",
      "show",
      "--id",
      "default",
      "--show-secret",
      "--data-dir",
      serverData,
    ]);
    expect(shown.stdout).toMatch(new RegExp(`^secret: +${SECRET}$`, "m"));
    const missing = await rollcall(["platform", "show", "--id", "nope", "--data-dir", serverData]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no platform "nope"');
  });

  it("makes a new database only when asked with --create", async () => {
    const fresh = join(root, "fresh");
    const operator = ["operator", "create", "--email", "a@b.c", "--password", "horse-battery-9"];
    const refused = await rollcall(operator, { XDG_STATE_HOME: join(root, "no-state") });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--create");
    const made = await rollcall(["platform", "create", "--id", "acme", "--data-dir", fresh]);
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(`creating a new database in ${fresh}`);
    const asked = await rollcall(["migrate", "--create"], { XDG_STATE_HOME: state });
    expect(asked.code).toBe(0);
    expect(existsSync(join(elsewhere, "data", "rollcall.sqlite"))).toBe(true);
    rmSync(join(elsewhere, "data"), { recursive: true, force: true });
  });

  it("answers `rollcall platform --help` with the platform commands", async () => {
    const help = await rollcall(["platform", "--help"]);
    expect(help.code).toBe(0);
    for (const command of ["create", "list", "show", "rotate-secret"]) {
      expect(help.stdout).toContain(`platform ${command}`);
    }
    expect(help.stdout).not.toContain("token viewer");
    const bare = await rollcall(["platform"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("platform list");
  });
});

describe("rollcall start's output", () => {
  /** Starts a server with these settings, its stdout not a terminal, until it said `until`. */
  async function startOutput(env: Record<string, string>, until: RegExp): Promise<string> {
    const child = spawn(process.execPath, [BIN, "start"], {
      cwd: elsewhere,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: String(await freePort()),
        ROLLCALL_HOST: "127.0.0.1",
        ROLLCALL_DATA_DIR: join(root, "out-data"),
        XDG_STATE_HOME: join(root, "out-state"),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      for (let waited = 0; !until.test(out); waited += 50) {
        if (waited > 60_000 || child.exitCode !== null) throw new Error(`never said it: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return out;
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }

  // Human lines on a terminal: e2e/start-output.test.ts.
  it("is JSON Lines only when not on a terminal, the welcome included", async () => {
    const out = await startOutput({}, /"msg":"Rollcall is running"}\n/);
    const lines = out.trim().split("\n");
    const records = lines.map((line) => JSON.parse(line) as { msg: string; signIn?: string });
    const welcome = records.find((r) => r.msg === "Rollcall is running");
    expect(welcome?.signIn).toMatch(/\/embed\?token=/);
  });
});
