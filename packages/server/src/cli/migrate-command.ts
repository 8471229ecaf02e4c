// `rollcall migrate`: bring the database schema up to date (start does this too).
import type { CliCommand } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

export const migrateCommand: CliCommand = {
  name: ["migrate"],
  summary: "Apply database migrations",
  usage: "rollcall migrate",
  options: {},
  async run(_values, env) {
    return withStorage(
      env,
      async (storage) => {
        const { applied } = await storage.migrate();
        const done =
          applied.length === 0 ? "schema is up to date" : `applied ${applied.join(", ")}`;
        process.stdout.write(`${done}\n`);
        return 0;
      },
      { migrate: false, creates: true },
    );
  },
};
