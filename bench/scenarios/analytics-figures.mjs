// The analytics scenario's figures of one size, from what measure() returned. A storage that was
// not measured (BENCH_ANALYTICS_STORAGES) leaves its figures out; the other's then carry no
// baseline, and parity is null with the reason.

import { round } from "../harness/stats.mjs";
import { HISTORY, RANGES, SCOPES, TZ, VIEWS } from "./analytics-questions.mjs";

/** @param {number} bytes */
const mbOf = (bytes) => Math.round(bytes / 1e5) / 10;
/** @param {number} kb */
const mb = (kb) => Math.round(kb / 1024);
/** @param {{ events: number, seconds: number }} filled */
const rate = (filled) => Math.round(filled.events / filled.seconds);

/**
 * `figure` with `baseline` and `ratio` (value ÷ baseline) when a baseline was measured.
 * @param {Record<string, unknown> & { value: number }} figure
 * @param {number | undefined} baseline
 * @param {number} digits
 */
function against(figure, baseline, digits) {
  if (baseline === undefined) return figure;
  return { ...figure, baseline, ratio: round(figure.value / baseline, digits) };
}

/**
 * The figures of one size; `suffix` is "" for the run's own size, `@100M` for others.
 * @param {any} measured what measure() in analytics.mjs returned
 * @param {string} suffix
 * @param {boolean} quick
 * @returns {Record<string, Record<string, unknown>>}
 */
export function figuresOf(measured, suffix, quick) {
  const { events, latency, restart, firstStart, filled, joining, indexMemory } = measured;
  const sqlite = restart.sqlite;
  const pg = restart.pg;
  const millions = (events / 1_000_000).toString();
  const target = events > 10_000_000 ? 100 : 50;
  const shape = `${HISTORY.users.toLocaleString("en-US")} users, ${HISTORY.days} days, ${HISTORY.apps} apps, half messages, ${millions} M events${quick ? " (quick; full run: 10 M)" : ""}`;
  const alone = measured.storages.length === 1 ? " (measured alone: BENCH_ANALYTICS_STORAGES)" : "";
  /** @type {Record<string, Record<string, unknown>>} */
  const figures = {};
  for (const view of Object.keys(VIEWS)) {
    const onSqlite = latency.sqlite?.[view];
    const onPg = latency.pg?.[view];
    const count = (onSqlite ?? onPg).latency.count;
    const asked = `p95 of ${count} answers (${SCOPES.join(" and ")} × ${RANGES.join(", ")}; ${measured.rounds} rounds), tz ${TZ}, ${shape}`;
    if (onSqlite) {
      figures[`analytics.${view}_p95_ms${suffix}`] = {
        value: onSqlite.latency.p95,
        unit: "ms",
        target,
        note: `SQLite${alone}: ${asked}; p50 ${onSqlite.latency.p50} ms; slowest question ${onSqlite.worst.path} (p95 ${onSqlite.worst.latency.p95} ms)`,
      };
    }
    if (onPg) {
      figures[`analytics.pg.${view}_p95_ms${suffix}`] = against(
        {
          value: onPg.latency.p95,
          unit: "ms",
          target,
          note: `PostgreSQL${alone}${onSqlite ? ", the same questions in the same rounds (baseline: SQLite's p95)" : ""}: ${asked}; p50 ${onPg.latency.p50} ms; slowest question ${onPg.worst.path} (p95 ${onPg.worst.latency.p95} ms)`,
        },
        onSqlite?.latency.p95,
        1,
      );
    }
  }
  figures[`analytics.parity${suffix}`] = parityFigure(measured.parity, measured.storages);

  const restartNote = `from the process start to the first 200 of summary?range=today, on the data above (server stopped with SIGTERM, then started again)`;
  if (sqlite) {
    figures[`analytics.ready_after_restart_s${suffix}`] = {
      value: sqlite.readySeconds,
      unit: "s",
      target: 30,
      note: `SQLite: ${restartNote}; on the first start ${firstStart.sqlite.readySeconds} s`,
    };
    figures[`analytics.rss_mb${suffix}`] = {
      value: mb(sqlite.rssKb),
      unit: "MB",
      note: `SQLite server's VmRSS once its analytics answered after the restart; ${mb(measured.rssAfterQuestionsKb.sqlite)} MB after the question rounds (first start)`,
    };
    figures[`analytics.ingest_events_per_s${suffix}`] = {
      value: sqlite.ingest.eventsPerSecond,
      unit: "events/s",
      target: 50_000,
      higherIsBetter: true,
      note: `POST /api/v1/events into the SQLite file holding the ${millions} M events above, as http.events_per_s (100 per request, 32 in flight, 200 = durable), after the restart`,
    };
  }
  if (pg) {
    figures[`analytics.pg.ready_after_restart_s${suffix}`] = against(
      {
        value: pg.readySeconds,
        unit: "s",
        target: 30,
        note: `PostgreSQL: ${restartNote}; on the first start (a full load of the rollups) ${firstStart.pg.readySeconds} s`,
      },
      sqlite?.readySeconds,
      2,
    );
    figures[`analytics.pg.rss_mb${suffix}`] = against(
      {
        value: mb(pg.rssKb),
        unit: "MB",
        note: `PostgreSQL server's VmRSS (Rollcall's process, not PostgreSQL's) once its analytics answered after the restart; ${mb(measured.rssAfterQuestionsKb.pg)} MB after the question rounds (first start)`,
      },
      sqlite ? mb(sqlite.rssKb) : undefined,
      2,
    );
    figures[`analytics.pg.backfill_events_per_s${suffix}`] = against(
      {
        value: rate(filled.pg),
        unit: "events/s",
        higherIsBetter: true,
        note: `the history written through the storage module's writeFacts in batches of 250,000 events (the bench's backfill, as an import would): PostgreSQL ${filled.pg.events.toLocaleString("en-US")} events in ${round(filled.pg.seconds)} s${filled.sqlite ? ` (baseline: SQLite's ${round(filled.sqlite.seconds)} s)` : ""}; ANALYZE after it ${measured.analyzeSeconds} s`,
      },
      filled.sqlite ? rate(filled.sqlite) : undefined,
      2,
    );
    figures[`analytics.pg.ready_joining_s${suffix}`] = against(
      {
        value: joining.readySeconds,
        unit: "s",
        target: 30,
        note: `a PostgreSQL node joining with an empty data directory: from the process start to the first 200 of summary?range=today, starting from the index snapshot shared in the database (baseline: the restart on its own snapshot); its VmRSS then ${mb(joining.rssKb)} MB`,
      },
      pg.readySeconds,
      2,
    );
  }
  const held = indexMemory.pg ?? indexMemory.sqlite;
  const heldOn = indexMemory.pg ? "PostgreSQL" : "SQLite";
  figures[`analytics.index_bytes_per_user_day${suffix}`] = {
    value: held.bytesPerUserDay,
    unit: "B",
    ...(indexMemory.pg && indexMemory.sqlite
      ? { baseline: indexMemory.sqlite.bytesPerUserDay }
      : {}),
    note: `the activity index's heap and buffers (loaded from the ${heldOn} node's snapshot in a fresh process, after GC) per active user-day (a user active on a UTC day): ${mbOf(held.heldBytes)} MB for ${held.activeUserDays.toLocaleString("en-US")} user-days; snapshot file ${mbOf(held.snapshotBytes)} MB${indexMemory.pg && indexMemory.sqlite ? ` (baseline: the SQLite node's, ${mbOf(indexMemory.sqlite.heldBytes)} MB)` : ""}`,
  };
  return figures;
}

/**
 * How many questions got equal answers from both storages in every round; null when only one
 * storage was measured.
 * @param {Array<{ path: string, unequalRounds: number, failures: string[], differences: string[] }>} parity
 * @param {string[]} storages
 */
function parityFigure(parity, storages) {
  if (storages.length < 2) {
    return {
      value: null,
      unit: `/ ${parity.length} equal`,
      target: parity.length,
      higherIsBetter: true,
      note: `not measured: only ${storages.join("")} was asked (BENCH_ANALYTICS_STORAGES); ${parity.filter((p) => p.failures.length > 0).length} questions failed on it`,
    };
  }
  const equal = parity.filter((p) => p.unequalRounds === 0).length;
  const unequal = parity.find((p) => p.unequalRounds > 0);
  const firstDiff = unequal
    ? `${unequal.path}: ${unequal.failures[0] ?? unequal.differences[0]}`
    : "none";
  return {
    value: equal,
    unit: `/ ${parity.length} equal`,
    target: parity.length,
    higherIsBetter: true,
    note: `questions whose SQLite and PostgreSQL answers were equal in every field in every round (warm-up included; no field ignored: the answers hold nothing of the request's time); first difference: ${firstDiff}`,
  };
}
