// A centred message for whole-page states: loading, errors, pages a viewer may not open.
import type { ReactNode } from "react";

interface PageMessageProps {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  tone?: "neutral" | "error";
}

export function PageMessage({ title, children, action, tone = "neutral" }: PageMessageProps) {
  return (
    <div
      className={`page-message page-message-${tone}`}
      role={tone === "error" ? "alert" : "status"}
    >
      <h2>{title}</h2>
      {children ? <div className="page-message-body">{children}</div> : null}
      {action ? <div className="page-message-action">{action}</div> : null}
    </div>
  );
}
