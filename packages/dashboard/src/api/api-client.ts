// Same-origin JSON calls to the Rollcall API with the session cookie; failures become ApiError values.

/** Header every state-changing request carries; a cross-site form cannot set it. */
const CSRF_HEADER = { "x-rollcall-csrf": "1" };

export class ApiError extends Error {
  readonly status: number;
  /** Error code from the body (`unauthorized`, `rate_limited`, …), or `network` when no answer came. */
  readonly code: string;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await send(path, { method: "GET", signal });
  return (await response.json()) as T;
}

/** POSTs a JSON body (or none); resolves on any 2xx, including 204. */
export async function apiPost(path: string, body?: unknown): Promise<void> {
  await send(path, {
    method: "POST",
    headers: {
      ...CSRF_HEADER,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** POSTs a JSON body and returns the JSON answer. */
export async function apiPostJson<T>(path: string, body: unknown): Promise<T> {
  const response = await send(path, {
    method: "POST",
    headers: { ...CSRF_HEADER, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/** DELETEs; resolves on any 2xx. */
export async function apiDelete(path: string): Promise<void> {
  await send(path, { method: "DELETE", headers: CSRF_HEADER });
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: "same-origin",
      headers: { accept: "application/json", ...init.headers },
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "Can't reach the Rollcall server. Check your connection.");
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get("retry-after"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}.`.replace(" .", ".");
  try {
    const body: unknown = await response.json();
    const error = typeof body === "object" && body !== null && "error" in body ? body.error : null;
    if (typeof error === "object" && error !== null) {
      if ("code" in error && typeof error.code === "string") code = error.code;
      if ("message" in error && typeof error.message === "string") message = error.message;
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status line.
  }
  return new ApiError(response.status, code, message, retryAfterSeconds);
}
