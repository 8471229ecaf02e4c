// Builds the tracker: dist/tracker.js (script tag), dist/index.js + .d.ts (ESM), and checks the size.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const MAX_GZIP_BYTES = 4096;
const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const src = join(root, "src");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  target: "es2019",
  platform: "browser",
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
};
const results = await Promise.all([
  build({ ...common, entryPoints: ["src/script.ts"], outfile: "dist/tracker.js", format: "iife" }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" }),
]);

// The tracker has no runtime dependencies: only its own sources may end up in a bundle.
for (const { metafile } of results) {
  for (const input of Object.keys(metafile.inputs)) {
    if (relative(src, join(root, input)).startsWith("..")) {
      console.error(`tracker bundle pulls in ${input}: only type imports are allowed`);
      process.exit(1);
    }
  }
}

// Declarations: emitted by tsc, of which the public entry and its types are kept.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const typesDir = join(dist, ".types");
const emitted = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (emitted.status !== 0) process.exit(emitted.status ?? 1);
for (const file of ["index.d.ts", "api.d.ts"]) copyFileSync(join(typesDir, file), join(dist, file));
rmSync(typesDir, { recursive: true, force: true });
for (const file of ["index.d.ts", "api.d.ts"]) {
  const imports = [...readFileSync(join(dist, file), "utf8").matchAll(/from "([^"]+)"/g)];
  const foreign = imports.map((m) => m[1]).filter((spec) => spec !== "./api.js");
  if (foreign.length) {
    console.error(`dist/${file} refers to ${foreign.join(", ")}: public types must stand alone`);
    process.exit(1);
  }
}

for (const file of ["tracker.js", "index.js"]) {
  const code = readFileSync(join(dist, file));
  console.log(`dist/${file}: ${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzipped`);
}
const gzipped = gzipSync(readFileSync(join(dist, "tracker.js")), { level: 9 }).length;
if (gzipped > MAX_GZIP_BYTES) {
  console.error(`dist/tracker.js is ${gzipped} B gzipped, over the ${MAX_GZIP_BYTES} B budget`);
  process.exit(1);
}
