// What a browser sees when its /embed link fails: why (expired, not valid), and what to do about it.
import { LinkFailedCard } from "../ui/link-failed-card";

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
    <LinkFailedCard
      title={title}
      lead={lead}
      failure={failure}
      testId="embed-failed"
      onRetry={canRetry ? () => window.location.reload() : undefined}
      note={
        <>
          Rollcall operator with an email and password? <a href="/login">Sign in here</a>.
        </>
      }
    >
      <p>
        Go back to your platform and open Rollcall from its admin pages again: it makes a fresh link
        each time.
      </p>
    </LinkFailedCard>
  );
}
