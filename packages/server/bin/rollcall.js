#!/usr/bin/env node
// The `rollcall` command: runs the built CLI (npm start builds it).
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    "rollcall is not built yet: run `npm run build` (npm start does it for you)\n",
  );
  process.exit(1);
}
await import(cli.href);
