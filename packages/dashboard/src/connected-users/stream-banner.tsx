// The warning shown while the live stream is down, with a way to retry at once.
export function StreamBanner({ onRefresh }: { onRefresh: () => void }) {
  return (
    <div className="stream-banner" role="alert" data-testid="stream-banner">
      <span className="stream-banner-icon" aria-hidden="true">
        !
      </span>
      <span>
        <strong>Live updates interrupted — reconnecting…</strong> The table shows the last data
        received and may be out of date.
      </span>
      <button type="button" className="button button-small" onClick={onRefresh}>
        Reconnect now
      </button>
    </div>
  );
}
