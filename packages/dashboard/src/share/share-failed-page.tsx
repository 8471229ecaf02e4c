// What a share link that cannot be opened shows: expired, revoked, or not a link Rollcall made.
import { LinkFailedCard } from "../ui/link-failed-card";

function explain(failure: string): { title: string; lead: string; canRetry: boolean } {
  switch (failure) {
    case "share_link_expired":
      return {
        title: "This shared report has expired",
        lead: "Share links work until the date their maker chose, and this one's has passed.",
        canRetry: false,
      };
    case "share_link_revoked":
      return {
        title: "This shared report was revoked",
        lead: "The person who shared it has turned the link off, so it no longer shows anything.",
        canRetry: false,
      };
    case "share_link_invalid":
      return {
        title: "This share link is not valid",
        lead: "It may have been cut short when it was copied, or it was made for another Rollcall.",
        canRetry: false,
      };
    case "rate_limited":
      return {
        title: "Too many shared reports opened from your network",
        lead: "Rollcall limits how often one address may open shared reports. Wait a minute, then try again.",
        canRetry: true,
      };
    default:
      return {
        title: "This shared report could not be opened",
        lead: "Rollcall could not check the link just now; it may still work in a moment.",
        canRetry: true,
      };
  }
}

export function ShareFailedPage({ failure, onRetry }: { failure: string; onRetry?: () => void }) {
  const { title, lead, canRetry } = explain(failure);
  return (
    <LinkFailedCard
      title={title}
      lead={lead}
      failure={failure}
      testId="share-failed"
      onRetry={canRetry ? (onRetry ?? (() => window.location.reload())) : undefined}
    >
      {failure === "rate_limited" ? null : (
        <p>If you still need the report, ask whoever sent you the link for a new one.</p>
      )}
    </LinkFailedCard>
  );
}
