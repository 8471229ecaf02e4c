// The analytics counts PostgreSQL answers itself (the rest come from the in-memory index).
import type { AppRecord, AppScope } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

type Row = Record<string, unknown>;

/** Runs one statement and returns its rows. */
export type Run = (text: string, values: unknown[]) => Promise<Row[]>;

export async function countKnownUsers(run: Run, scope: AppScope): Promise<number> {
  const [row] =
    scope.app === null
      ? await run("SELECT count(*) AS n FROM users WHERE platform_id = $1", [scope.platform])
      : await run("SELECT count(*) AS n FROM user_apps WHERE platform_id = $1 AND app = $2", [
          scope.platform,
          scope.app,
        ]);
  return Number(row?.n ?? 0);
}

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
