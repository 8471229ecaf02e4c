// The Users page's "Share" button and the dialog it opens.
import { useCallback, useState } from "react";
import type { AnalyticsView } from "../analytics/analytics-view";
import { ShareDialog } from "./share-dialog";

interface ShareButtonProps {
  app: string;
  title: string;
  view: AnalyticsView;
  rangeText: string;
  /** The range cannot be asked (a half-typed custom range): nothing to share yet. */
  isDisabled: boolean;
}

export function ShareButton({ isDisabled, ...dialog }: ShareButtonProps) {
  const [isOpen, setIsOpen] = useState(false);
  const close = useCallback(() => setIsOpen(false), []);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => setIsOpen(true)}
        disabled={isDisabled}
        aria-haspopup="dialog"
        title="Make a read-only link to this report that works without signing in"
        data-testid="share-open"
      >
        <ShareIcon />
        Share
      </button>
      {isOpen ? <ShareDialog {...dialog} onClose={close} /> : null}
    </>
  );
}

function ShareIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M8 10V2.5M5 5.5l3-3 3 3M3 9v3.5A1.5 1.5 0 0 0 4.5 14h7a1.5 1.5 0 0 0 1.5-1.5V9"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
