// What a browser sees when its /embed link fails: why (expired, not valid), and what to do about it.
import { ThemeButton } from "../ui/theme-button";
import "./login.css";

/** The failure the server named in the page (`<meta name="rollcall-failure">`), if any. */
export function pageFailure(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="rollcall-failure"]')?.content ?? null;
}

interface Explanation {
  title: string;
  lead: string;
  canRetry: boolean;
}

function explain(failure: string | null): Explanation {
  switch (failure) {
    case "token_expired":
      return {
        title: "This link has expired",
        lead: "Links that open Rollcall are short-lived, so that one found later (in a browser's history, say) cannot open it.",
        canRetry: false,
      };
    case "token_invalid":
    case "bad_request":
    case "unauthorized":
      return {
        title: "This link is not valid",
        lead: "It may have been cut short when it was copied, or it was made for another Rollcall.",
        canRetry: false,
      };
    case "rate_limited":
    case "unavailable":
      return {
        title: "Rollcall is busy right now",
        lead: "Your link may still work: try again in a moment.",
        canRetry: true,
      };
    default:
      return {
        title: "This link could not sign you in",
        lead: "Rollcall could not check it.",
        canRetry: true,
      };
  }
}

export function EmbedFailedPage({ failure }: { failure: string | null }) {
  const { title, lead, canRetry } = explain(failure);
  return (
    <main className="login">
      <div className="login-corner">
        <ThemeButton />
      </div>
      <section
        className="login-card"
        data-testid="embed-failed"
        data-failure={failure ?? undefined}
        aria-labelledby="embed-failed-title"
      >
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
        </div>
        <h1 id="embed-failed-title">{title}</h1>
        <p className="login-lead">{lead}</p>
        <p>
          Go back to your platform and open Rollcall from its admin pages again: it makes a fresh
          link each time.
        </p>
        <div className="login-actions">
          {canRetry ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => window.location.reload()}
            >
              Try again
            </button>
          ) : null}
          {window.history.length > 1 ? (
            <button type="button" className="button" onClick={() => window.history.back()}>
              Go back
            </button>
          ) : null}
        </div>
        <p className="login-note">
          Rollcall operator with an email and password? <a href="/login">Sign in here</a>.
        </p>
      </section>
    </main>
  );
}
