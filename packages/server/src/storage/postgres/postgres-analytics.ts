// The apps list in PostgreSQL's dialect (the analytics come from the in-memory index).
import type { AppRecord } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

type Row = Record<string, unknown>;

/** Runs one statement and returns its rows. */
export type Run = (text: string, values: unknown[]) => Promise<Row[]>;

export async function listApps(run: Run, platform: string): Promise<AppRecord[]> {
  const rows = await run(
    `SELECT app, count(*) AS users, max(last_active_at) AS last FROM user_apps
     WHERE platform_id = $1 AND app <> '${NO_APP}' GROUP BY app ORDER BY app COLLATE "C"`,
    [platform],
  );
  return rows.map((row) => ({
    id: String(row.app),
    users: Number(row.users),
    lastActivityAt: row.last === null ? null : Number(row.last),
  }));
}
