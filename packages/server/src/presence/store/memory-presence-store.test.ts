// The memory store through the shared PresenceStore contract.
import { MemoryPresenceStore } from "./memory-presence-store.js";
import { runPresenceStoreContract } from "./presence-store-contract.js";

runPresenceStoreContract("memory", async (rules) => ({
  store: new MemoryPresenceStore(rules),
  cleanup: async () => undefined,
}));
