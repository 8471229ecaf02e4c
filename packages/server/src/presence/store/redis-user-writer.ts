// Changes one user's presence in Redis: read, decide with the engine, compare-and-set and publish.
import { AppError } from "../../errors/app-error.js";
import type { RedisClient } from "../../redis/redis-client.js";
import { createPresenceState, findUser, type PresenceState } from "../engine/state.js";
import type { PresenceChange, PresenceRules } from "../engine/types.js";
import { decodeUser, encodeUser, placeUser, toUserPresence } from "../replica/presence-codec.js";
import type { PresenceReplica } from "../replica/presence-replica.js";
import type { RedisPresenceKeys, UserRef } from "./redis-presence-keys.js";
import type { ChangeHeader } from "./redis-replica-sync.js";

/**
 * Writes a user's new value only if nobody wrote since it was read (same `rev`), and publishes it
 * in the same step, so replicas receive every user's values in the order they were written: the
 * message is a header line (JSON, see ChangeHeader) and the value, sent to Redis once.
 * One key: cluster-safe. A tombstone (empty data) expires; its rev outlives replicas' resyncs.
 */
const CAS_SCRIPT = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', rev + 1, 'data', ARGV[2])
if ARGV[2] == '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\\n' .. ARGV[2])
return 1`;

const TOMBSTONE_MS = 3_600_000;
const MAX_ATTEMPTS = 50;

/**
 * Decides one user's next state from the current one, mutating `state` and `owners` (tab → the
 * node holding its socket); returns the changes, or null to leave the user as they are.
 */
export type Decide = (
  state: PresenceState,
  owners: Record<string, string>,
) => PresenceChange[] | null;

export interface RedisUserWriterOptions {
  /** The shared command connection: many users' changes run on it at once. */
  command: RedisClient;
  keys: RedisPresenceKeys;
  rules: PresenceRules;
  /** A written value is applied here at once, before other nodes hear of it. */
  replica: PresenceReplica;
  nodeId: string;
}

/**
 * Compare-and-set instead of WATCH/MULTI: one shared connection can carry many users' changes,
 * and the publish is in the same atomic step. A conflict re-reads and decides again, so only the
 * write that lands returns its changes: each transition is decided once across all nodes.
 */
export class RedisUserWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: RedisUserWriterOptions) {}

  /**
   * Applies `decide` to the user's stored state, retrying on a conflict; one change per user at a
   * time on this node so that a tab's events keep their order. `isTick`: the user is due, so the
   * engine must look at them, and their deadline in `due` is refreshed even if nothing changed.
   * Rejects with AppError `unavailable` when Redis cannot be reached.
   */
  change(ref: UserRef, decide: Decide, isTick = false): Promise<PresenceChange[]> {
    const id = `${ref.platform}\u0000${ref.user}`;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(
      () => this.changeNow(ref, decide, isTick),
      () => this.changeNow(ref, decide, isTick),
    );
    this.queues.set(id, next);
    const forget = () => this.queues.get(id) === next && this.queues.delete(id);
    void next.then(forget, forget);
    return next;
  }

  /** Resolves once every change under way has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private async changeNow(
    ref: UserRef,
    decide: Decide,
    isTick: boolean,
  ): Promise<PresenceChange[]> {
    const { command, keys, nodeId } = this.options;
    const key = keys.user(ref);
    // First from the replica (current unless another node wrote a moment ago): a change costs no
    // read. The compare-and-set checks the revision, so a stale read only costs a retry.
    let isFromReplica = !isTick;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const wasFromReplica = isFromReplica;
      isFromReplica = false;
      const state = createPresenceState(this.options.rules);
      // A tick must look at the user whatever the engine-wide shortcut says.
      state.nextDueAt = isTick ? 0 : Number.POSITIVE_INFINITY;
      let rev: number;
      let owners: Record<string, string>;
      let data: string | null = null;
      if (wasFromReplica) {
        const held = this.options.replica.copy(ref.platform, ref.user);
        if (held.presence !== undefined) placeUser(state, held.presence);
        ({ rev, owners } = held);
      } else {
        ({ rev, data } = await this.read(key));
        const stored = data ? decodeUser(data) : null;
        if (stored) placeUser(state, toUserPresence(stored.presence));
        owners = { ...(stored?.owners ?? {}) };
      }
      const changes = decide(state, owners);
      const presence = findUser(state, ref.platform, ref.user);
      for (const tab of Object.keys(owners)) {
        if (!presence?.connections.has(tab)) delete owners[tab];
      }
      const after = presence === undefined ? "" : encodeUser(presence, owners);
      const due = presence === undefined ? null : state.nextDueAt;
      // The replica is as it was when copied: deciding is synchronous.
      const before = wasFromReplica
        ? this.options.replica.encoded(ref.platform, ref.user)
        : (data ?? "");
      if (changes === null || after === before) {
        // Nothing to write, decided on what may be stale: read Redis and decide again.
        if (wasFromReplica) continue;
        if (isTick) await this.setDue(ref, due);
        return [];
      }
      const header: ChangeHeader = {
        node: nodeId,
        platform: ref.platform,
        user: ref.user,
        rev: rev + 1,
        lastLiveAt: presence === undefined ? lastLiveOf(changes) : null,
      };
      let written: unknown;
      try {
        written = await command.eval(
          CAS_SCRIPT,
          1,
          key,
          rev,
          after,
          TOMBSTONE_MS,
          keys.changes,
          JSON.stringify(header),
        );
      } catch (error) {
        throw unavailable(error);
      }
      if (written !== 1) continue;
      this.options.replica.applyWritten(ref.platform, ref.user, rev + 1, presence, owners);
      await this.setDue(ref, due).catch(() => undefined);
      return changes;
    }
    throw new AppError("unavailable", "presence is too contended for this user right now; retry");
  }

  private async read(key: string): Promise<{ rev: number; data: string | null }> {
    let values: Array<string | null>;
    try {
      values = await this.options.command.hmget(key, "rev", "data");
    } catch (error) {
      throw unavailable(error);
    }
    const [revText = null, data = null] = values;
    return { rev: Number(revText ?? 0), data };
  }

  private async setDue(ref: UserRef, due: number | null): Promise<void> {
    const { command, keys } = this.options;
    const member = keys.member(ref);
    if (due === null || !Number.isFinite(due)) await command.zrem(keys.due, member);
    else await command.zadd(keys.due, due, member);
  }
}

function unavailable(error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError("unavailable", `presence is unavailable (Redis: ${reason}); retry shortly`);
}

/** A user no longer held: the end of their session is their last live moment. */
function lastLiveOf(changes: readonly PresenceChange[]): number | null {
  for (const change of changes) if (change.type === "sessionEnded") return change.endedAt;
  return null;
}
