// `rollcall operator create`: an email + password account for Rollcall's own login page.
import { hashPassword } from "../auth/passwords.js";
import { type CliCommand, requireString, UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

export const operatorCreateCommand: CliCommand = {
  name: ["operator", "create"],
  summary: "Create (or reset) an operator who signs in with email and password",
  usage:
    "rollcall operator create --email EMAIL [--name NAME] --password PASSWORD   (or ROLLCALL_OPERATOR_PASSWORD)",
  options: { email: { type: "string" }, name: { type: "string" }, password: { type: "string" } },
  async run(values, env) {
    const email = requireString(values, "email").trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError("--email: not an email address");
    const password =
      typeof values.password === "string" ? values.password : env.ROLLCALL_OPERATOR_PASSWORD;
    if (!password || password.length < 10) {
      throw new UsageError("--password: at least 10 characters");
    }
    const name = typeof values.name === "string" ? values.name : email.split("@")[0]!;
    const passwordHash = await hashPassword(password);
    return withStorage(
      env,
      async (storage) => {
        await storage.createOperator({ email, name, passwordHash, createdAt: Date.now() });
        process.stdout.write(`operator ${email} can now sign in at /login\n`);
        return 0;
      },
      { creates: true },
    );
  },
};
