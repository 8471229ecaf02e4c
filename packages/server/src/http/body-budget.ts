// Bounds the request-body bytes held while being read, per client address and for the process.
import type { IncomingMessage } from "node:http";
import { AppError } from "../errors/app-error.js";
import type { HttpLimits } from "./http-limits.js";

/**
 * What one chunk of a body costs beyond its bytes: its Buffer view, the ArrayBuffer and the
 * native record of its backing store. Measured at ~200 B of heap per chunk plus the native part
 * (Node 20, a body sent a byte at a time); rounded up. Without it a body trickled a byte a packet
 * would hold some 300 times the bytes it is charged for.
 */
export const CHUNK_COST_BYTES = 512;

/** Retry-After of a refusal: bodies are usually read within milliseconds, freeing their bytes. */
export const BODY_RETRY_AFTER_SECONDS = 1;

/** One address's share of the budget, kept while it has a body being read. */
export interface AddressHold {
  readonly address: string;
  bytes: number;
  readers: number;
}

/**
 * The bytes of request bodies read but not yet parsed, charged as they arrive (or, when the
 * request declares its length, all of it up front) and given back when the read ends, fails or
 * the request closes. A body that would take an address past its share is refused with 429
 * `rate_limited`; one that would take the process past its whole budget, with 503 `unavailable`.
 */
export class BodyBudget {
  private readonly holds = new Map<string, AddressHold>();
  private heldBytes = 0;

  constructor(
    private readonly limits: Pick<HttpLimits, "bodyBytesPerAddress" | "bodyBytesInFlight">,
    /** The address a request is charged to (proxy-aware: see client-origin.ts). */
    readonly addressOf: (req: IncomingMessage) => string,
  ) {}

  /** Starts a read charged to `address`; every open is followed by one `close`. */
  open(address: string): AddressHold {
    let hold = this.holds.get(address);
    if (hold === undefined) {
      hold = { address, bytes: 0, readers: 0 };
      this.holds.set(address, hold);
    }
    hold.readers++;
    return hold;
  }

  /** Charges `bytes` to `hold`; null when they fit, else the refusal (nothing is charged). */
  take(hold: AddressHold, bytes: number): AppError | null {
    if (hold.bytes + bytes > this.limits.bodyBytesPerAddress) {
      return new AppError(
        "rate_limited",
        `too many request bodies in flight from this address (limit ${this.limits.bodyBytesPerAddress} bytes); retry shortly`,
      );
    }
    if (this.heldBytes + bytes > this.limits.bodyBytesInFlight) {
      return new AppError(
        "unavailable",
        "the server is reading too many request bodies; retry shortly",
      );
    }
    hold.bytes += bytes;
    this.heldBytes += bytes;
    return null;
  }

  /** Ends a read, giving back the `bytes` it took. */
  close(hold: AddressHold, bytes: number): void {
    hold.bytes -= bytes;
    this.heldBytes -= bytes;
    if (--hold.readers === 0) this.holds.delete(hold.address);
  }

  /** Bytes held by `address`, or by everyone without one (tests and health). */
  held(address?: string): number {
    return address === undefined ? this.heldBytes : (this.holds.get(address)?.bytes ?? 0);
  }
}
