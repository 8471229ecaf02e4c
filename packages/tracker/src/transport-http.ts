// HTTP transport for when WebSockets are blocked: POST a TrackBatch, or beacon one as the page leaves.
import type { TrackBatch, TrackBatchResponse } from "@rollcall/protocol";

/** Sends a batch; rejects with the HTTP status (0 for a network error). */
export function postBatch(url: string, batch: TrackBatch): Promise<TrackBatchResponse> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(batch),
    credentials: "omit",
  }).then(
    (res) => (res.ok ? (res.json() as Promise<TrackBatchResponse>) : Promise.reject(res.status)),
    () => Promise.reject(0),
  );
}

/**
 * Sends a batch that must outlive the page. As text/plain, so the browser needs no CORS
 * preflight (which a beacon cannot wait for); the server reads the body as JSON all the same.
 */
export function beaconBatch(url: string, batch: TrackBatch): boolean {
  return navigator.sendBeacon?.(url, JSON.stringify(batch)) ?? false;
}
