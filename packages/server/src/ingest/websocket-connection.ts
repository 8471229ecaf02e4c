// One server-side WebSocket (RFC 6455) on an upgraded TCP socket: reads the client's frames,
// writes text frames, and runs the close handshake.
//
// Written for the tracker's traffic, where `ws` cost the most per tab: a Writable stream, a
// sender and an emitter per socket, and arrays replaced on every frame that lived until the next
// one and so were promoted to the old generation (the GC pauses behind the message-rate p99).
// Here a whole frame in one read (nearly every frame) is handed over as a view of the bytes read,
// and a socket holds a few fields besides its net.Socket.
import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";

/** What the connection reports to its owner. */
export interface WebSocketHandler {
  /** A whole message (fragments joined): a view of the bytes read, the handler's to keep. */
  message(data: Buffer, isBinary: boolean): void;
  /** The connection is gone; `code` is the close code the client sent, else 1005 or 1006. */
  closed(code: number): void;
}

const CLOSE_STATUS = {
  protocolError: 1002,
  /** A close frame without a code. */
  noCode: 1005,
  /** The TCP connection ended without a close frame. */
  abnormal: 1006,
  invalidText: 1007,
  tooBig: 1009,
} as const;

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** After the close frames, how long the client has to end its side before the socket is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;
/** Written to the client and not yet read by it, past which a ping is answered by hanging up. */
const MAX_UNREAD_PONG_BYTES = 1_048_576;
/** A close frame's payload is at most 125 bytes: 2 for the code, the rest for the reason. */
const MAX_REASON_BYTES = 123;

const CONNECTION = Symbol("WebSocketConnection");
type ConnectedSocket = Socket & { [CONNECTION]: WebSocketConnection };

export class WebSocketConnection {
  private state = OPEN;
  private handler: WebSocketHandler | null = null;
  /** The reads of a frame that has not fully arrived, joined only once it has (no copy per read). */
  private partial: Buffer[] | null = null;
  private partialBytes = 0;
  /** How many bytes the partial frame needs before it can be read further. */
  private partialNeeds = 0;
  /** A fragmented message's frames so far (browsers rarely fragment; kept only while they do). */
  private fragments: Buffer[] | null = null;
  private fragmentedBytes = 0;
  private isFragmentedBinary = false;
  private closeCode: number = CLOSE_STATUS.abnormal;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    /** Largest message accepted; a larger one closes the connection with 1009. */
    private readonly maxPayload: number,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(0);
    (socket as ConnectedSocket)[CONNECTION] = this;
    // Listeners shared by every socket (they find their connection on it): no closures per socket.
    socket.on("data", onSocketData);
    // The HTTP server's sockets allow half-open connections: a client's FIN is answered here.
    socket.on("end", onSocketEnd);
    socket.on("close", onSocketClose);
    socket.on("error", onSocketError);
  }

  /** Starts delivering messages, the first from the bytes that came with the upgrade request. */
  start(handler: WebSocketHandler, head: Buffer): void {
    this.handler = handler;
    if (head.length > 0) this.read(Buffer.from(head));
  }

  get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** Bytes written but not yet taken by the kernel: a client that does not read makes it grow. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  send(text: string): void {
    if (this.state !== OPEN) return;
    this.socket.write(frame(0x80 | OP_TEXT, text));
  }

  /** Sends a close frame, then ends the TCP connection once the client answers (or soon after). */
  close(code: number, reason: string): void {
    if (this.state !== OPEN) return;
    this.state = CLOSING;
    this.closeCode = code;
    this.socket.write(closeFrame(code, reason));
    this.endSoon();
  }

  /** Stops reading: frames wait in the kernel, then in the client, until `resume`. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Drops the connection without a close frame. */
  terminate(): void {
    this.state = CLOSED;
    this.socket.destroy();
  }

  /** The socket's bytes (called by its listener, as are `peerEnded` and `ended`). */
  read(chunk: Buffer): void {
    let data = chunk;
    if (this.partial) {
      // A frame trickling in a byte at a time must not be copied once per byte.
      this.partial.push(chunk);
      this.partialBytes += chunk.length;
      if (this.partialBytes < this.partialNeeds) return;
      data = Buffer.concat(this.partial, this.partialBytes);
      this.partial = null;
    }
    let at = 0;
    while (this.state === OPEN && at < data.length) {
      const used = this.readFrame(data, at);
      if (used === 0) {
        if (this.state !== OPEN) return;
        // Copied: a view would hold on to the whole buffer read.
        const rest = Buffer.from(data.subarray(at));
        this.partial = [rest];
        this.partialBytes = rest.length;
        this.partialNeeds = bytesNeeded(rest);
        return;
      }
      at += used;
    }
  }

  /** Handles the frame starting at `at`: its length, or 0 if it has not fully arrived. */
  private readFrame(data: Buffer, at: number): number {
    const available = data.length - at;
    if (available < 2) return 0;
    const first = data[at] as number;
    const second = data[at + 1] as number;
    const isFinal = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    if ((first & 0x70) !== 0) return this.fail(CLOSE_STATUS.protocolError, "RSV bits set");
    if ((second & 0x80) === 0) {
      return this.fail(CLOSE_STATUS.protocolError, "client frames must be masked");
    }
    let length = second & 0x7f;
    let headerBytes = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = data.readUInt16BE(at + 2);
      headerBytes = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      if (data.readUInt32BE(at + 2) !== 0) {
        return this.fail(CLOSE_STATUS.tooBig, "Max payload size exceeded");
      }
      length = data.readUInt32BE(at + 6);
      headerBytes = 10;
    }
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) return this.fail(CLOSE_STATUS.protocolError, "unknown opcode");
      if (!isFinal || length > 125) {
        return this.fail(CLOSE_STATUS.protocolError, "control frames must be whole and short");
      }
    } else if (opcode > OP_BINARY) {
      return this.fail(CLOSE_STATUS.protocolError, "unknown opcode");
    } else if (this.fragmentedBytes + length > this.maxPayload) {
      // Refused before its bytes arrive, so a huge frame is never held.
      return this.fail(CLOSE_STATUS.tooBig, "Max payload size exceeded");
    }
    const frameBytes = headerBytes + 4 + length;
    if (available < frameBytes) return 0;
    const payload = data.subarray(at + headerBytes + 4, at + frameBytes);
    unmask(payload, data, at + headerBytes);
    this.onFrame(opcode, isFinal, payload);
    return frameBytes;
  }

  private onFrame(opcode: number, isFinal: boolean, payload: Buffer): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        if (this.fragments) {
          this.fail(CLOSE_STATUS.protocolError, "a new message began before the last one ended");
        } else if (isFinal) {
          this.deliver(payload, opcode === OP_BINARY);
        } else {
          this.fragments = [payload];
          this.fragmentedBytes = payload.length;
          this.isFragmentedBinary = opcode === OP_BINARY;
        }
        return;
      case OP_CONTINUATION: {
        const fragments = this.fragments;
        if (!fragments) {
          this.fail(CLOSE_STATUS.protocolError, "a continuation frame with no message to continue");
          return;
        }
        fragments.push(payload);
        this.fragmentedBytes += payload.length;
        if (!isFinal) return;
        const message = Buffer.concat(fragments, this.fragmentedBytes);
        this.fragments = null;
        this.fragmentedBytes = 0;
        this.deliver(message, this.isFragmentedBinary);
        return;
      }
      case OP_CLOSE:
        this.onClose(payload);
        return;
      case OP_PING:
        // A client that pings without reading would pile its pongs up here.
        if (this.socket.writableLength > MAX_UNREAD_PONG_BYTES) this.terminate();
        else this.socket.write(frame(0x80 | OP_PONG, payload));
        return;
      default:
        // A pong: nothing asked for it, nothing to do.
        return;
    }
  }

  private deliver(data: Buffer, isBinary: boolean): void {
    if (!isBinary && !isUtf8(data)) {
      this.fail(CLOSE_STATUS.invalidText, "Invalid UTF-8 sequence");
      return;
    }
    this.handler?.message(data, isBinary);
  }

  /** The client closes: answer with its code (as `ws` did), then end the TCP connection. */
  private onClose(payload: Buffer): void {
    if (payload.length === 1) {
      this.fail(CLOSE_STATUS.protocolError, "close frame of one byte");
      return;
    }
    const code = payload.length === 0 ? CLOSE_STATUS.noCode : payload.readUInt16BE(0);
    if (payload.length > 0 && !isSendableCloseCode(code)) {
      this.fail(CLOSE_STATUS.protocolError, `invalid close code ${code}`);
      return;
    }
    if (!isUtf8(payload.subarray(2))) {
      this.fail(CLOSE_STATUS.invalidText, "Invalid UTF-8 sequence");
      return;
    }
    this.state = CLOSING;
    this.closeCode = code;
    // The same payload back: its code and reason, or nothing for a close without a code.
    this.socket.write(frame(0x80 | OP_CLOSE, payload));
    this.endSoon();
  }

  /** Ends our side; a client that neither reads nor ends its side is cut off after a while. */
  private endSoon(): void {
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  /** A protocol violation: say why in a close frame and stop reading. Returns 0 for readFrame. */
  private fail(code: number, reason: string): 0 {
    this.partial = null;
    this.fragments = null;
    this.close(code, reason);
    return 0;
  }

  peerEnded(): void {
    if (this.state === OPEN) this.state = CLOSING;
    this.socket.end();
  }

  ended(): void {
    this.state = CLOSED;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    const handler = this.handler;
    this.handler = null;
    handler?.closed(this.closeCode);
  }
}

function onSocketData(this: ConnectedSocket, chunk: Buffer): void {
  this[CONNECTION].read(chunk);
}

function onSocketEnd(this: ConnectedSocket): void {
  this[CONNECTION].peerEnded();
}

function onSocketClose(this: ConnectedSocket): void {
  this[CONNECTION].ended();
}

function onSocketError(this: ConnectedSocket): void {
  this.destroy();
}

/**
 * How many bytes the (masked) frame at the start of `data` needs to be read further: its
 * header's, until the header has arrived, then the whole frame's.
 */
function bytesNeeded(data: Buffer): number {
  if (data.length < 2) return 2;
  const length = (data[1] as number) & 0x7f;
  const headerBytes = (length === 126 ? 4 : length === 127 ? 10 : 2) + 4;
  if (data.length < headerBytes) return headerBytes;
  const payloadBytes =
    length === 126 ? data.readUInt16BE(2) : length === 127 ? data.readUInt32BE(6) : length;
  return headerBytes + payloadBytes;
}

/** Codes a peer may put in a close frame (RFC 6455 §7.4). */
function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** XORs the payload with the 4-byte mask that precedes it in `data`. */
function unmask(payload: Buffer, data: Buffer, maskAt: number): void {
  const m0 = data[maskAt] as number;
  const m1 = data[maskAt + 1] as number;
  const m2 = data[maskAt + 2] as number;
  const m3 = data[maskAt + 3] as number;
  const length = payload.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    payload[i] = (payload[i] as number) ^ m0;
    payload[i + 1] = (payload[i + 1] as number) ^ m1;
    payload[i + 2] = (payload[i + 2] as number) ^ m2;
    payload[i + 3] = (payload[i + 3] as number) ^ m3;
  }
  if (i < length) payload[i] = (payload[i] as number) ^ m0;
  if (i + 1 < length) payload[i + 1] = (payload[i + 1] as number) ^ m1;
  if (i + 2 < length) payload[i + 2] = (payload[i + 2] as number) ^ m2;
}

/** An unmasked server frame with one buffer for header and payload (one write, one packet). */
function frame(firstByte: number, payload: string | Buffer): Buffer {
  const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerBytes + length);
  out[0] = firstByte;
  if (headerBytes === 2) {
    out[1] = length;
  } else if (headerBytes === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(length, 6);
  }
  if (typeof payload === "string") out.write(payload, headerBytes);
  else payload.copy(out, headerBytes);
  return out;
}

function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, fittingLength(reason, MAX_REASON_BYTES)));
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return frame(0x80 | OP_CLOSE, payload);
}

/** How much of `text` fits in `maxBytes` of UTF-8, cut between characters. */
function fittingLength(text: string, maxBytes: number): number {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return end;
}
