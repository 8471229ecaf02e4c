// `rollcall session revoke`: ends viewer sessions (cookies from /embed or the login page) at once.
import type { ViewerSessionFilter } from "../storage/storage.js";
import { type CliCommand, UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

export const sessionRevokeCommand: CliCommand = {
  name: ["session", "revoke"],
  summary: "End viewer sessions: one viewer's, or all (a running server refuses them at once)",
  usage:
    "rollcall session revoke --viewer VIEWER_ID [--platform ID]\n" +
    "       rollcall session revoke --all [--platform ID]\n" +
    "  VIEWER_ID: the viewer token's sub, or the operator's email\n" +
    "  --platform: only sessions on that platform (default: every platform)\n" +
    "  Viewer tokens are not revoked: they stay valid until their exp (ROLLCALL_MAX_TOKEN_SECONDS at most)",
  options: {
    viewer: { type: "string" },
    all: { type: "boolean" },
    platform: { type: "string" },
  },
  async run(values, env) {
    const viewer = typeof values.viewer === "string" ? values.viewer : undefined;
    const isAll = values.all === true;
    if ((viewer === undefined) === !isAll) {
      throw new UsageError("give either --viewer VIEWER_ID or --all");
    }
    if (viewer === "") throw new UsageError("--viewer: a viewer id");
    const filter: ViewerSessionFilter = {
      ...(viewer !== undefined ? { viewer } : {}),
      ...(typeof values.platform === "string" ? { platform: values.platform } : {}),
    };
    return withStorage(env, async (storage) => {
      const count = await storage.deleteViewerSessions(filter);
      const whose = viewer === undefined ? "every viewer" : `viewer "${viewer}"`;
      const where = filter.platform ? ` on platform "${filter.platform}"` : "";
      process.stdout.write(`ended ${count} session${count === 1 ? "" : "s"} of ${whose}${where}\n`);
      return 0;
    });
  },
};
