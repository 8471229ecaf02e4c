// The analytics scenario's question rounds: every question of each server, one request at a
// time, answers compared field by field; and the p95 of each view.

import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { differences } from "../harness/first-difference.mjs";
import { log } from "../harness/log.mjs";
import { ROOT } from "../harness/servers.mjs";
import { summarize } from "../harness/stats.mjs";
import { VIEWS } from "./analytics-questions.mjs";

/** One question may take this long (PostgreSQL's table took seconds before the index). */
const REQUEST_TIMEOUT_MS = 120_000;
/** How many differing fields are kept per question in details.json. */
const DIFFERENCES_KEPT = 20;

/** @typedef {import("./analytics-questions.mjs").Question} Question */

/**
 * Asks every question of each server, round after round (the first a warm-up), one request at a
 * time, each question of SQLite then at once of PostgreSQL; with two servers, compares every
 * answer field by field.
 * No new round starts once the measured ones have taken `budgetMs`.
 * @param {Record<string, string>} urls name → server URL
 * @param {string} token
 * @param {Question[]} list
 * @param {{ rounds: number, budgetMs: number }} plan
 */
export async function askRounds(urls, token, list, plan) {
  const names = Object.keys(urls);
  const prober = forkChild(join(ROOT, "bench/generators/http-prober.mjs"), {
    url: urls[names[0] ?? ""],
    token,
  });
  try {
    await nextMessage(prober, "ready", 10_000);
    const requests = list.flatMap((q) => names.map((name) => ({ url: urls[name], path: q.path })));
    /** @type {Record<string, number[][]>} name → per question, its measured times */
    const times = Object.fromEntries(names.map((name) => [name, list.map(() => [])]));
    /** @type {Array<{ rounds: number, unequalRounds: number, failures: string[], differences: string[] }>} */
    const parity = list.map(() => ({ rounds: 0, unequalRounds: 0, failures: [], differences: [] }));
    const started = performance.now();
    let measuredFrom = started;
    let measured = 0;
    for (let r = 0; r <= plan.rounds; r++) {
      // The budget counts the measured rounds only: at least one, however slow.
      if (r === 1) measuredFrom = performance.now();
      if (r > 1 && performance.now() - measuredFrom > plan.budgetMs) break;
      const { answers } = await ask(
        prober,
        { cmd: "ask", requests, timeoutMs: REQUEST_TIMEOUT_MS },
        "asked",
        requests.length * REQUEST_TIMEOUT_MS + 10_000,
      );
      for (let i = 0; i < list.length; i++) {
        const mine = names.map((_, s) => answers[i * names.length + s]);
        const check = /** @type {(typeof parity)[number]} */ (parity[i]);
        check.rounds++;
        const failed = mine.flatMap((a, s) =>
          a.status === 200 ? [] : [`${names[s]}: ${a.status} ${a.body.slice(0, 200)}`],
        );
        if (failed.length > 0) {
          check.unequalRounds++;
          check.failures.push(...failed);
        } else if (names.length === 2) {
          const [a, b] = mine.map((answer) => JSON.parse(answer.body));
          const found = differences(a, b, DIFFERENCES_KEPT);
          if (found.length > 0) {
            check.unequalRounds++;
            if (check.differences.length === 0) check.differences = found;
          }
        }
        if (r === 0) continue; // the warm-up: compared, not timed
        names.forEach((name, s) => {
          if (mine[s].status === 200) times[name]?.[i]?.push(mine[s].ms);
        });
      }
      if (r > 0) measured++;
      log(
        `analytics: round ${r === 0 ? "0 (warm-up)" : r} of ${plan.rounds} asked in ${((performance.now() - started) / 1_000).toFixed(1)} s so far`,
      );
    }
    return { times, parity, rounds: measured };
  } finally {
    await stopChild(prober);
  }
}

/**
 * @typedef {{ path: string, latency: ReturnType<typeof summarize> }} QuestionLatency
 * @typedef {{ latency: ReturnType<typeof summarize>, worst: QuestionLatency,
 *   questions: QuestionLatency[] }} ViewLatency
 */

/**
 * p95 of every answer of each view (all its questions, all rounds), and its slowest question.
 * @param {number[][]} times per question
 * @param {Question[]} list
 * @returns {Record<string, ViewLatency>}
 */
export function viewLatencies(times, list) {
  /** @type {Record<string, ViewLatency>} */
  const views = {};
  for (const view of Object.keys(VIEWS)) {
    const mine = list.flatMap((q, i) => (q.view === view ? [i] : []));
    const questions = mine.map((i) => ({
      path: /** @type {Question} */ (list[i]).path,
      latency: summarize(times[i] ?? []),
    }));
    const worst = [...questions].sort((a, b) => b.latency.p95 - a.latency.p95)[0];
    views[view] = {
      latency: summarize(mine.flatMap((i) => times[i] ?? [])),
      worst: /** @type {QuestionLatency} */ (worst),
      questions,
    };
  }
  return views;
}
