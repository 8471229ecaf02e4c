// A button that copies a text to the clipboard and says so for two seconds.
import { useEffect, useState } from "react";

interface CopyButtonProps {
  /** What to copy, read when clicked. */
  text: () => string;
  label: string;
  copiedLabel?: string;
  /** Said when the browser refuses the clipboard. */
  failedLabel?: string;
  title?: string;
  className?: string;
  testId?: string;
}

export function CopyButton({
  text,
  label,
  copiedLabel = "Copied",
  failedLabel = "Select and copy it",
  title,
  className = "button",
  testId,
}: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(text()).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };

  return (
    <button type="button" className={className} onClick={copy} title={title} data-testid={testId}>
      <LinkIcon />
      <span aria-live="polite">
        {state === "copied" ? copiedLabel : state === "failed" ? failedLabel : label}
      </span>
    </button>
  );
}

function LinkIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M6.5 9.5a3 3 0 0 0 4.24 0l2.12-2.12a3 3 0 0 0-4.24-4.24l-.7.7M9.5 6.5a3 3 0 0 0-4.24 0L3.14 8.62a3 3 0 0 0 4.24 4.24l.7-.7"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
      />
    </svg>
  );
}
