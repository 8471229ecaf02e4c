// What the table area says when there is nothing to list, and what to do about it.

export function NoUsersYet() {
  const snippet = `<script src="${window.location.origin}/tracker.js" data-token="USER_TOKEN" async></script>`;
  return (
    <div className="empty-state" data-testid="no-users">
      <h2>No platform users yet.</h2>
      <p>Add the tracker to your platform: put this tag in the pages your users open.</p>
      <pre className="code-block">
        <code>{snippet}</code>
      </pre>
      <p className="empty-state-hint">
        <code>USER_TOKEN</code> is a short-lived token your backend signs for the signed-in user
        (try <code>npx rollcall token user</code>). Users appear here the moment their first page
        loads. To see the page with simulated users, run <code>npm run demo</code>.
      </p>
    </div>
  );
}

export function NoMatches({ onClear }: { onClear: () => void }) {
  return (
    <div className="empty-state empty-state-compact" data-testid="no-matches">
      <h2>No users match</h2>
      <p>Nobody fits this search and these filters right now.</p>
      <button type="button" className="button" onClick={onClear} data-testid="clear-filters">
        Clear filters
      </button>
    </div>
  );
}

export function Connecting() {
  return (
    <div className="empty-state empty-state-compact" role="status">
      <span className="spinner" aria-hidden="true" />
      <p>Loading connected users…</p>
    </div>
  );
}
