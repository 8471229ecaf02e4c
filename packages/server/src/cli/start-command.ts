// `rollcall start` and `rollcall demo`: run the server, print where it is and how to get in.
import { resolve } from "node:path";
import { DEFAULT_PLATFORM } from "@rollcall/protocol";
import { signViewerToken } from "../auth/token-signer.js";
import { type Config, loadConfig } from "../config/config.js";
import { isPrettyLog } from "../config/logger.js";
import { startDemo } from "../demo/demo-simulator.js";
import { type Rollcall, startRollcall } from "../main.js";
import type { CliCommand } from "./cli-command.js";
import { recordServer } from "./server-record.js";

/**
 * Where Rollcall runs and how to get in: a few lines for a person at a terminal, or, when the log
 * is JSON Lines (not a terminal, or asked), one log record, so the output stays one format.
 */
async function printWelcome(rollcall: Rollcall, config: Config): Promise<void> {
  const platform = await rollcall.platforms.get(DEFAULT_PLATFORM);
  const secret = platform?.secrets.at(-1);
  const data = config.databaseUrl ? "PostgreSQL (ROLLCALL_DATABASE_URL)" : resolve(config.dataDir);
  const ttlSeconds = Math.min(12 * 3600, config.maxTokenSeconds);
  const signIn = secret
    ? `${rollcall.url}/embed?token=${await signViewerToken(
        { sub: "local-owner", name: "Local owner", role: "owner" },
        { secret, ttlSeconds },
      )}`
    : null;
  if (!isPrettyLog(config, process.stdout.isTTY === true)) {
    rollcall.logger.info({ url: rollcall.url, data, signIn }, "Rollcall is running");
    return;
  }
  const lines = [``, `  Rollcall is running at ${rollcall.url}`, `  Data: ${data}`, ``];
  if (signIn) {
    lines.push(
      `  Open the dashboard (sign-in link, valid ${formatSeconds(ttlSeconds)}):`,
      `    ${signIn}`,
      ``,
    );
  }
  lines.push(
    `  Or create an operator for the login page:`,
    `    npx rollcall operator create --email you@example.com --password '…'`,
    ``,
    `  Track your platform's users: sign user tokens with the platform secret`,
    `  (npx rollcall token user --sub ID --name NAME) and add to each page:`,
    `    <script src="${rollcall.url}/tracker.js" data-token="USER_TOKEN" async></script>`,
    ``,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** "12 h", "30 min" or "90 s". */
function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function stopOnSignals(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const handler = () => {
      stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once("SIGINT", handler);
    process.once("SIGTERM", handler);
  });
}

export const startCommand: CliCommand = {
  name: ["start"],
  summary: "Run Rollcall (API, tracker and dashboard) on PORT, default 8740",
  usage: "rollcall start        (settings come from the environment; see README)",
  options: {},
  async run(_values, env) {
    const config = loadConfig(env);
    const rollcall = await startRollcall(config);
    recordServer(env, config, rollcall.url);
    await printWelcome(rollcall, config);
    return stopOnSignals(() => rollcall.close());
  },
};

export const demoCommand: CliCommand = {
  name: ["demo"],
  summary: "Run Rollcall with simulated users browsing a demo platform",
  usage: "rollcall demo [--users N]",
  options: { users: { type: "string" } },
  async run(values, env) {
    const users = values.users === undefined ? 36 : Number(values.users);
    const config = loadConfig(env);
    const rollcall = await startRollcall(config);
    recordServer(env, config, rollcall.url);
    const demo = await startDemo(rollcall, {
      users: Number.isInteger(users) && users > 0 ? Math.min(users, 2000) : 36,
      tokenSeconds: Math.min(3_600, config.maxTokenSeconds),
    });
    await printWelcome(rollcall, config);
    if (isPrettyLog(config, process.stdout.isTTY === true)) {
      process.stdout.write(
        `  Demo: ${demo.users} simulated users are browsing the demo platform.\n\n`,
      );
    } else {
      rollcall.logger.info({ users: demo.users }, "demo users are browsing the demo platform");
    }
    return stopOnSignals(async () => {
      demo.stop();
      await rollcall.close();
    });
  },
};
