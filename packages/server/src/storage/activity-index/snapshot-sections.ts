// The sections of an index snapshot file: kind, length, payload and a CRC-32 of them, written
// through a buffer and read back checked (index-snapshot.ts says what each section holds).
import type { FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";

/** A section: kind (u32), payload length (u32), the payload, CRC-32 of all that (u32). */
const SECTION_HEADER = 8;
/** Bytes buffered before a write, and read at once. */
const CHUNK = 4 * 1024 * 1024;

/** Why a snapshot file was refused: the caller loads the index in full instead. */
export class IndexSnapshotError extends Error {
  constructor(
    readonly reason: "truncated" | "corrupt" | "format",
    message: string,
  ) {
    super(`index snapshot ${reason}: ${message}`);
    this.name = "IndexSnapshotError";
  }
}

/** Writes sections through a buffer of CHUNK bytes; a bigger piece goes straight to the file. */
export class SectionWriter {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(private readonly handle: FileHandle) {}

  async json(kind: number, value: unknown): Promise<1> {
    return this.section(kind, [Buffer.from(JSON.stringify(value), "utf8")]);
  }

  /** One section from these pieces; resolves to 1 (a count of sections). */
  async section(kind: number, pieces: Uint8Array[]): Promise<1> {
    const header = Buffer.allocUnsafe(SECTION_HEADER);
    header.writeUInt32LE(kind, 0);
    header.writeUInt32LE(
      pieces.reduce((sum, piece) => sum + piece.length, 0),
      4,
    );
    let crc = crc32(header);
    // An empty piece changes nothing; skipped, as Node 20's crc32 answers 0 for a view of an
    // empty ArrayBuffer (an empty column) whatever the value it was to continue.
    for (const piece of pieces) if (piece.length > 0) crc = crc32(piece, crc);
    const trailer = Buffer.allocUnsafe(4);
    trailer.writeUInt32LE(crc, 0);
    await this.raw(header);
    for (const piece of pieces) await this.raw(piece);
    await this.raw(trailer);
    return 1;
  }

  async raw(piece: Uint8Array): Promise<void> {
    if (piece.length > this.buffer.length / 2) {
      await this.flush();
      await this.write(piece);
      return;
    }
    if (this.used + piece.length > this.buffer.length) await this.flush();
    this.buffer.set(piece, this.used);
    this.used += piece.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  /** All of `bytes`, however many writes it takes. */
  private async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await this.handle.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
  }
}

/** Reads sections through a buffer refilled CHUNK bytes at a time. */
export class SectionReader {
  private buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private end = 0;
  private isEnded = false;
  /** Bytes of the file read into the buffer so far. */
  private readSoFar = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
  ) {}

  async json(kind: number): Promise<unknown> {
    const payload = await this.section(kind);
    try {
      return JSON.parse(payload.toString("utf8"));
    } catch {
      throw new IndexSnapshotError("corrupt", `section ${kind} is not JSON`);
    }
  }

  /** The next section's payload, checked: valid until the next read. */
  async section(kind: number): Promise<Buffer> {
    const header = await this.raw(SECTION_HEADER);
    const found = header.readUInt32LE(0);
    const length = header.readUInt32LE(4);
    if (found !== kind) {
      throw new IndexSnapshotError("corrupt", `section ${found} where ${kind} was due`);
    }
    const left = this.fileSize - this.readSoFar + (this.end - this.start);
    if (length + 4 > left) {
      throw new IndexSnapshotError("truncated", `section ${kind} ends past the end of the file`);
    }
    await this.fill(length + 4);
    const payload = this.buffer.subarray(this.start, this.start + length);
    const saved = this.buffer.readUInt32LE(this.start + length);
    const crc = length === 0 ? crc32(header) : crc32(payload, crc32(header));
    if (crc !== saved) {
      throw new IndexSnapshotError("corrupt", `section ${kind} fails its checksum`);
    }
    this.start += length + 4;
    return payload;
  }

  /** The next `length` bytes: valid until the next read. */
  async raw(length: number): Promise<Buffer> {
    await this.fill(length);
    const bytes = this.buffer.subarray(this.start, this.start + length);
    this.start += length;
    return Buffer.from(bytes);
  }

  /** Makes `length` bytes available from `start`. */
  private async fill(length: number): Promise<void> {
    if (this.end - this.start >= length) return;
    if (length > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    } else {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    }
    this.end -= this.start;
    this.start = 0;
    while (this.end < length) {
      if (this.isEnded) {
        throw new IndexSnapshotError("truncated", `the file ends ${length - this.end} bytes short`);
      }
      const { bytesRead } = await this.handle.read(
        this.buffer,
        this.end,
        this.buffer.length - this.end,
        null,
      );
      if (bytesRead === 0) this.isEnded = true;
      this.end += bytesRead;
      this.readSoFar += bytesRead;
    }
  }
}
