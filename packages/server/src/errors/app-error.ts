// AppError: an expected failure with a stable code, the one error type every layer throws; the
// codes and the HTTP status of each are @rollcall/protocol's ERROR_STATUS, and http/ answers with them.
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "@rollcall/protocol";
import { isStorageUnavailable } from "./unavailable.js";

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * The expected failure an error stands for: itself if an AppError, `unavailable` when the
 * database cannot be reached or the process is out of file descriptors (nothing was accepted;
 * retry later), or null for a bug.
 */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isStorageUnavailable(error)) {
    return new AppError("unavailable", "storage is unavailable; retry shortly");
  }
  if (isOutOfFileDescriptors(error)) {
    return new AppError("unavailable", "the server has too many open connections; retry shortly");
  }
  return null;
}

function isOutOfFileDescriptors(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "EMFILE" || code === "ENFILE";
}

/** Turns zod issues into one message naming each field: `events[3].name: required`. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  root = "",
): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`)
    .join("; ");
}

function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "body";
}
