// One gzip member (RFC 1952) written piece by piece, each piece readable at once, all synchronous.
import { constants, crc32, deflateRawSync } from "node:zlib";

/** Header of a gzip member: deflate, no name or time, unknown OS. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** A final, empty block with fixed codes: ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
/** The most a stored block holds. */
const STORED_MAX = 65_535;

/**
 * Why not zlib's own streams: each write and flush goes through a zlib thread and back, a hop
 * every change event would wait for on a busy machine, and every stream holds ~260 KB of zlib
 * state. Here a piece is either deflated on its own (`zlib.deflateRawSync`, ending on a
 * sync flush, so the blocks before it need no more input) or framed as a stored block; both leave
 * the deflate stream byte-aligned and open, so the pieces concatenate into one valid member that
 * any gzip reader decodes as it arrives.
 */
export class GzipStream {
  private crc = 0;
  private size = 0;
  private hasHeader = false;

  /** `text` deflated: for large pieces (a snapshot's slice of rows). */
  compressed(text: string): Buffer {
    const raw = Buffer.from(text);
    const body = deflateRawSync(raw, { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
    return this.piece(raw, [body]);
  }

  /** `text` as stored blocks: for small pieces (a change event), where deflating costs more than it saves. */
  stored(text: string): Buffer {
    const raw = Buffer.from(text);
    const parts: Buffer[] = [];
    for (let from = 0; from < raw.length; from += STORED_MAX) {
      const chunk = raw.subarray(from, from + STORED_MAX);
      const head = Buffer.alloc(5);
      head[0] = 0; // BFINAL 0, BTYPE 00 (stored); the rest of the byte is padding
      head.writeUInt16LE(chunk.length, 1);
      head.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(head, chunk);
    }
    return this.piece(raw, parts);
  }

  /** The final block and the trailer (CRC-32 and length of everything written). */
  end(): Buffer {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.size >>> 0, 4);
    return Buffer.concat([...this.header(), FINAL_BLOCK, trailer]);
  }

  private piece(raw: Buffer, body: Buffer[]): Buffer {
    // zlib's crc32 takes an empty buffer without memory (a null pointer) as "start over": skip it.
    if (raw.length > 0) this.crc = crc32(raw, this.crc);
    this.size = (this.size + raw.length) % 2 ** 32;
    return Buffer.concat([...this.header(), ...body]);
  }

  private header(): Buffer[] {
    if (this.hasHeader) return [];
    this.hasHeader = true;
    return [HEADER];
  }
}
