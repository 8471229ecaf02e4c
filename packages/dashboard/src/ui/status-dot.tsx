// A user's status as a colored dot and its word.
import type { UserStatus } from "@rollcall/protocol";

const STATUS_LABEL: Record<UserStatus, string> = {
  online: "Online",
  idle: "Idle",
  offline: "Offline",
};

export function statusLabel(status: UserStatus): string {
  return STATUS_LABEL[status];
}

export function StatusDot({ status }: { status: UserStatus }) {
  return (
    <span className={`status status-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
