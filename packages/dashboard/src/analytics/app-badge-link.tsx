// An app's badge that opens its Analytics → Users page (used on the Connected users page).
import { Link } from "../app/router";

export function AppBadgeLink({ app }: { app: string }) {
  return (
    <Link
      to={`/analytics/${encodeURIComponent(app)}`}
      className="app-badge app-badge-link"
      title={`Analytics for ${app}`}
      // The badge sits in clickable rows; opening analytics should not also select the row.
      onClick={(event) => event.stopPropagation()}
      onKeyDown={(event) => event.stopPropagation()}
      data-testid="app-badge-link"
      data-app={app}
    >
      {app}
    </Link>
  );
}
