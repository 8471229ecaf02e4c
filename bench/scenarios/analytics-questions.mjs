// The analytics scenario's history and its 24 questions: every view, for `_all` and one app,
// over 7, 30 and 60 days ending today in Europe/Berlin.

/** Issue 22's reference history: the same shape at every size, only the events grow. */
export const HISTORY = { users: 20_000, days: 60, apps: 4, messageShare: 0.5 };
export const TZ = "Europe/Berlin";
export const SCOPES = ["_all", "app-3"];
export const RANGES = ["7d", "30d", "60d"];
/** Figure name (after `analytics.` or `analytics.pg.`) → endpoint and its own parameters. */
export const VIEWS = {
  summary: { endpoint: "summary", params: "" },
  active_over_time: { endpoint: "active-over-time", params: "" },
  heatmap: { endpoint: "heatmap", params: "" },
  table: { endpoint: "table", params: "&sort=messagesSent&order=desc&limit=50" },
};
/**
 * @typedef {{ view: keyof typeof VIEWS, scope: string, range: string, path: string }} Question
 */

/**
 * The local date `YYYY-MM-DD` of `epoch` in `tz`, `minusDays` days earlier.
 * @param {number} epoch
 * @param {string} tz
 * @param {number} [minusDays]
 */
function localDate(epoch, tz, minusDays = 0) {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .format(epoch)
    .split("-")
    .map(Number);
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) - minusDays))
    .toISOString()
    .slice(0, 10);
}

/**
 * The 24 questions: every view, for `_all` and one app, over 7, 30 and 60 days (60 is a custom
 * range: the API's named ranges stop at 30 days) ending today in Europe/Berlin.
 * @param {number} now
 * @returns {Question[]}
 */
export function questions(now) {
  /** @type {Record<string, string>} */
  const ranges = {
    "7d": "range=7d",
    "30d": "range=30d",
    "60d": `range=custom&from=${localDate(now, TZ, 59)}&to=${localDate(now, TZ)}`,
  };
  /** @type {Question[]} */
  const list = [];
  for (const [view, { endpoint, params }] of Object.entries(VIEWS)) {
    for (const scope of SCOPES) {
      for (const range of RANGES) {
        list.push({
          view: /** @type {keyof typeof VIEWS} */ (view),
          scope,
          range,
          path: `/api/v1/apps/${scope}/analytics/users/${endpoint}?${ranges[range]}&tz=${TZ}${params}`,
        });
      }
    }
  }
  return list;
}
