import type { Readable } from 'node:stream';
import { readVarint, WIRE, WireError } from '../protobuf/wire.ts';
import { DatasetError } from '../types.ts';

/**
 * Streaming access to the Climate `.dat` files, which are one protobuf message (or a run of
 * length-prefixed messages) of up to several MB: only one top-level field or frame is held in
 * memory at a time, so a file is never loaded whole.
 */

/** Largest top-level field or frame accepted: real records are < 2 KB and headers < 20 KB, so anything bigger is damage, not data. */
const MAX_ITEM_BYTES = 4 * 1024 * 1024;

/** Pulls bytes from a stream on demand and tracks the file offset for error messages. */
export class ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  /** File offset of `buffer[0]`. */
  private base = 0;

  constructor(
    private readonly stream: Readable,
    readonly name: string,
  ) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Makes at least `n` unread bytes available; false when the file ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.buffer.length - this.pos < n) {
      if (this.ended) return false;
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      // Drop what was consumed so memory stays bounded by one item plus one chunk.
      const rest = this.buffer.subarray(this.pos);
      this.base += this.pos;
      this.pos = 0;
      this.buffer = rest.length === 0 ? next.value : Buffer.concat([rest, next.value]);
    }
    return true;
  }

  /** True when every byte was consumed and the stream ended. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** The unread bytes currently buffered (at least what the last `fill` asked for). */
  peek(): Buffer {
    return this.buffer.subarray(this.pos);
  }

  skip(n: number): void {
    this.pos += n;
  }

  /** Takes `n` bytes (after a successful `fill(n)`) as a copy that outlives later reads. */
  take(n: number): Buffer {
    const out = Buffer.from(this.buffer.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  close(): void {
    this.stream.destroy();
  }

  damaged(detail: string): DatasetError {
    return new DatasetError(`${this.name}: damaged or truncated Climate .dat file: ${detail}`);
  }
}

/** One top-level field of a single-message file: number, wire type and payload (value bytes for length-delimited fields). */
export interface TopField {
  field: number;
  wireType: number;
  varint: number;
  payload: Buffer;
  /** File offset of the field's key, for messages. */
  offset: number;
}

/** Reads a varint from the reader, pulling more bytes as needed. */
async function nextVarint(reader: ByteReader): Promise<number> {
  for (let n = 1; n <= 10; n++) {
    const available = await reader.fill(n);
    const head = reader.peek();
    if (!available) throw reader.damaged(`the file ends inside a field key or length at byte ${reader.offset + head.length}`);
    if (head[n - 1]! < 0x80) {
      const [value, next] = readVarint(head, 0, n);
      reader.skip(next);
      return value;
    }
  }
  throw reader.damaged(`varint longer than 10 bytes at byte ${reader.offset}`);
}

/**
 * The top-level fields of a file holding one protobuf message (harvest and liquid maps), one at a
 * time. Throws a DatasetError naming the file and offset when the bytes end inside a field or are
 * not a protobuf message.
 */
export async function* topLevelFields(reader: ByteReader): AsyncGenerator<TopField> {
  while (!(await reader.atEnd())) {
    const offset = reader.offset;
    const key = await nextVarint(reader);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw reader.damaged(`field number 0 at byte ${offset}`);
    let size: number;
    let varint = 0;
    switch (wireType) {
      case WIRE.varint:
        varint = await nextVarint(reader);
        yield { field, wireType, varint, payload: Buffer.alloc(0), offset };
        continue;
      case WIRE.i64:
        size = 8;
        break;
      case WIRE.i32:
        size = 4;
        break;
      case WIRE.len:
        size = await nextVarint(reader);
        varint = size;
        break;
      default:
        throw reader.damaged(`unsupported wire type ${wireType} for field ${field} at byte ${offset}`);
    }
    if (size > MAX_ITEM_BYTES) throw reader.damaged(`field ${field} at byte ${offset} declares ${size} bytes`);
    if (!(await reader.fill(size))) {
      throw reader.damaged(`field ${field} at byte ${offset} needs ${size} bytes but the file ends after ${reader.peek().length}`);
    }
    yield { field, wireType, varint, payload: reader.take(size), offset };
  }
}

/** The `[uint32 LE length][protobuf]` frames that follow the text header of a field map, one at a time. */
export async function* lengthPrefixedFrames(reader: ByteReader): AsyncGenerator<{ payload: Buffer; offset: number }> {
  while (!(await reader.atEnd())) {
    const offset = reader.offset;
    if (!(await reader.fill(4))) throw reader.damaged(`the file ends inside a frame length at byte ${offset}`);
    const size = reader.peek().readUInt32LE(0);
    reader.skip(4);
    if (size > MAX_ITEM_BYTES) throw reader.damaged(`frame at byte ${offset} declares ${size} bytes`);
    if (!(await reader.fill(size))) {
      throw reader.damaged(`frame at byte ${offset} needs ${size} bytes but the file ends after ${reader.peek().length}`);
    }
    yield { payload: reader.take(size), offset };
  }
}

/** Turns a WireError from inside a record into a DatasetError that names the file and offset. */
export function wrapWire<T>(reader: ByteReader, offset: number, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof WireError) throw reader.damaged(`the message at byte ${offset} is not valid protobuf (${error.message})`);
    throw error;
  }
}
