// Test projects: fast unit and integration tests beside the code, browser tests under e2e/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "packages/*/src/**/*.test.tsx"],
          environment: "node",
          // Generous: a test ends when its conditions hold, and a loaded machine stalls for seconds.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          // A browser, the server and the runner share two cores that other work may load.
          testTimeout: 180_000,
          // Above the 180 s a server start may take (e2e/support/rollcall-server.ts).
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
