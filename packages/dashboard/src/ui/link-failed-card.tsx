// The full page a link that cannot be opened shows: what happened, what to do, and ways out.
import type { ReactNode } from "react";
import { ThemeButton } from "./theme-button";
import "../auth/login.css";

interface LinkFailedCardProps {
  title: string;
  lead: string;
  /** The failure's code, on the card for tests and support. */
  failure: string | null;
  testId: string;
  children?: ReactNode;
  /** Try again: for a failure that may pass. */
  onRetry?: (() => void) | undefined;
  /** A last line under the actions. */
  note?: ReactNode;
}

export function LinkFailedCard({
  title,
  lead,
  failure,
  testId,
  children,
  onRetry,
  note,
}: LinkFailedCardProps) {
  return (
    <main className="login">
      <div className="login-corner">
        <ThemeButton />
      </div>
      <section
        className="login-card"
        data-testid={testId}
        data-failure={failure ?? undefined}
        aria-labelledby="link-failed-title"
      >
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
        </div>
        <h1 id="link-failed-title">{title}</h1>
        <p className="login-lead">{lead}</p>
        {children}
        <div className="login-actions">
          {onRetry ? (
            <button type="button" className="button button-primary" onClick={onRetry}>
              Try again
            </button>
          ) : null}
          {window.history.length > 1 ? (
            <button type="button" className="button" onClick={() => window.history.back()}>
              Go back
            </button>
          ) : null}
        </div>
        {note ? <p className="login-note">{note}</p> : null}
      </section>
    </main>
  );
}
