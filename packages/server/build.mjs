// Bundles the server (with the protocol package) into dist/cli.js and its SQLite threads into
// dist/sqlite-fact-worker.js (the writer) and dist/sqlite-checkpoint-worker.js; npm dependencies
// stay external.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  // The SQLite threads' entries are loaded from next to cli.js (sqlite-fact-thread.ts).
  entryPoints: {
    cli: "src/cli/cli.ts",
    "sqlite-fact-worker": "src/storage/sqlite/sqlite-fact-worker.ts",
    "sqlite-checkpoint-worker": "src/storage/sqlite/sqlite-checkpoint-worker.ts",
  },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  logLevel: "warning",
});
