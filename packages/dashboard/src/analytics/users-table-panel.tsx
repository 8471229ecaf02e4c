// The User details panel of a Users report: what the rows are, the CSV, the filters and the table.
import { useState } from "react";
import { ALL_APPS, type UsersTableResponse } from "./analytics-api";
import {
  type AnalyticsView,
  hasTableFilters,
  NO_TABLE_FILTERS,
  nextTableSort,
  type TableView,
} from "./analytics-view";
import { DownloadIcon, type PanelStatus } from "./panel-parts";
import { TableFilters } from "./table-filters";
import { UsersTable } from "./users-table";

interface UsersTablePanelProps {
  app: string;
  view: AnalyticsView;
  data: UsersTableResponse | null;
  status: PanelStatus;
  /** The whole filtered table as CSV; null while the range cannot be asked. */
  csvPath: string | null;
  /** A change of the table's view (filters, sort, page); the caller keeps the view. */
  onChange: (change: Partial<TableView>) => void;
}

export function UsersTablePanel({
  app,
  view,
  data,
  status,
  csvPath,
  onChange,
}: UsersTablePanelProps) {
  // Clearing the filters remounts their fields, so what was typed in them goes too.
  const [filtersKey, setFiltersKey] = useState(0);
  const where = app === ALL_APPS ? "the platform" : "this app";
  return (
    <section className="panel table-section" aria-labelledby="users-table-title">
      <div className="panel-head">
        <div>
          <h2 id="users-table-title">User details</h2>
          <p className="panel-lead" data-testid="table-lead">
            {view.table.members === "active"
              ? `Users active in ${where} in the range`
              : `Everyone known to ${where}, active in the range or not`}
            ; messages count within the range, last active is their latest activity{" "}
            {app === ALL_APPS ? "anywhere" : "here"}, ever ({view.tz})
          </p>
        </div>
        <a
          className="button button-small"
          href={csvPath ?? undefined}
          aria-disabled={csvPath === null}
          download
          title={`Download the whole filtered table as CSV (times in ${view.tz})`}
          data-testid="csv-download"
        >
          <DownloadIcon />
          CSV
        </a>
      </div>
      <div className="users-toolbar">
        <TableFilters
          key={filtersKey}
          table={view.table}
          roles={data?.roles ?? null}
          onChange={onChange}
        />
      </div>
      <UsersTable
        data={data}
        status={status}
        table={view.table}
        tz={view.tz}
        isFiltering={hasTableFilters(view.table)}
        onSort={(column) => onChange(nextTableSort(view.table, column))}
        onPage={(page) => onChange({ page })}
        onClearFilters={() => {
          onChange(NO_TABLE_FILTERS);
          setFiltersKey((key) => key + 1);
        }}
        onShowAll={() => onChange({ members: "all" })}
      />
    </section>
  );
}
