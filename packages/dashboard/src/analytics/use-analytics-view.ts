// The page's view lives in the URL: read on every render, written back with history.replaceState.
import { useCallback, useEffect, useMemo } from "react";
import { navigate, useLocation } from "../app/router";
import { type AnalyticsView, parseView, viewToSearch } from "./analytics-view";
import { readZoned } from "./zoned-date";

/** The browser's own IANA zone, the default until the viewer picks another. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function useAnalyticsView(): [AnalyticsView, (next: AnalyticsView) => void] {
  const location = useLocation();
  const { pathname, search } = location;
  const view = useMemo(() => {
    const params = new URLSearchParams(search);
    const tz = browserTimeZone();
    // A fresh custom range ends today in the zone the view will use.
    const zone = parseView(params, { tz, today: "1970-01-01" }).tz;
    return parseView(params, { tz, today: readZoned(Date.now(), zone).date });
  }, [search]);

  const canonical = viewToSearch(view);
  // Write defaults and cleaned-up values back, so the address is always a complete link.
  useEffect(() => {
    if (canonical !== search) navigate(pathname + canonical, { replace: true });
  }, [canonical, search, pathname]);

  const setView = useCallback(
    (next: AnalyticsView) => navigate(pathname + viewToSearch(next), { replace: true }),
    [pathname],
  );
  return [view, setView];
}
