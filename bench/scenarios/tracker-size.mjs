// tracker.gzip_bytes: the script-tag build as a browser downloads it (gzip -9).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../harness/servers.mjs";

export async function run() {
  const file = join(ROOT, "packages/tracker/dist/tracker.js");
  const source = readFileSync(file);
  const gzipped = gzipSync(source, { level: 9 }).length;
  return {
    figures: {
      "tracker.gzip_bytes": {
        value: gzipped,
        unit: "bytes",
        target: 4096,
        note: `packages/tracker/dist/tracker.js, ${source.length} bytes raw, gzip level 9`,
      },
    },
    details: { rawBytes: source.length, gzipBytes: gzipped },
  };
}
