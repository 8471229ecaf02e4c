// cluster.connections and cluster.propagation_p99_ms: three nodes on shared Redis and PostgreSQL.
// Not measurable yet: Redis presence does not exist, and the server refuses ROLLCALL_REDIS_URL.

const REASON =
  "not measured: Redis presence is not in this build (rollcall start refuses ROLLCALL_REDIS_URL), so 3 nodes cannot share presence; nothing to run yet";

export async function run() {
  return {
    figures: {
      "cluster.connections": {
        value: null,
        unit: "tabs",
        target: 50_000,
        higherIsBetter: true,
        note: REASON,
      },
      "cluster.propagation_p99_ms": { value: null, unit: "ms", note: REASON },
    },
    details: {},
  };
}
