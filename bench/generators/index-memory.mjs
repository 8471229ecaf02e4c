// The activity index's memory: loads the snapshot file a server saved (config `file`) into this
// fresh process and reports the bytes it holds (heap + array buffers, after GC), its active
// user-days (a user active on a UTC day, any app) and the file's size. Run with
// `node --expose-gc --import tsx`; the orchestrator does this.
import { statSync } from "node:fs";
import { loadIndexSnapshot } from "../../packages/server/src/storage/activity-index/index-snapshot.ts";
import { readConfig, reply } from "../harness/child-runtime.mjs";

const { file } = /** @type {{ file: string }} */ (readConfig());

function held() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main() {
  const before = held();
  const loaded = await loadIndexSnapshot(file);
  if (!loaded) throw new Error(`no index snapshot in ${file}`);
  const bytes = held() - before;
  let userDays = 0;
  for (const [, platform] of loaded.index.platformEntries()) {
    for (const day of platform.all.days.values()) userDays += day.users.size;
  }
  reply({
    type: "done",
    heldBytes: bytes,
    activeUserDays: userDays,
    bytesPerUserDay: userDays > 0 ? Math.round(bytes / userDays) : null,
    snapshotBytes: statSync(file).size,
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    reply({ type: "error", message: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  },
);
