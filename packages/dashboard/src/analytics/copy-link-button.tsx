// Copies the page's address, which holds the whole view, so it can be shared.
import { useEffect, useState } from "react";

export function CopyLinkButton() {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(window.location.href).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };

  return (
    <button
      type="button"
      className="button"
      onClick={copy}
      title="The link reopens this exact view: range, time zone, filters, sort and page"
      data-testid="copy-link"
    >
      <LinkIcon />
      {state === "copied"
        ? "Link copied"
        : state === "failed"
          ? "Copy the address bar"
          : "Copy link"}
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
