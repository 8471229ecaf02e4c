#!/usr/bin/env -S node --max-semi-space-size=8
// The `rollcall` command: runs the built CLI (npm start builds it). The young generation is
// capped at 8 MB a semi-space (V8 grows it to 16 MB under load): ~15 MB less memory at no
// measured cost in throughput (BENCHMARKS.md); `npm start` passes the same flag.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    "rollcall is not built yet: run `npm run build` (npm start does it for you)\n",
  );
  process.exit(1);
}
await import(cli.href);
