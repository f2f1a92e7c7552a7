import { DatasetError } from '../types.ts';

/**
 * Pull-based byte source over a stream's chunks. Shapefile records are read in step from two
 * streams (.shp and .dbf) that give no random access, so each reader asks for exactly the bytes of
 * its next record; it awaits only when the buffered chunks do not hold them yet, which keeps the
 * per-record cost synchronous on the fast path.
 */
export class ByteSource {
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;
  private done = false;
  /** Bytes handed out so far: positions for error messages. */
  consumed = 0;
  private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;

  constructor(
    chunks: AsyncIterable<Buffer | Uint8Array | string>,
    private readonly fileName: string,
  ) {
    this.iterator = chunks[Symbol.asyncIterator]();
  }

  get available(): number {
    return this.buffer.length - this.start;
  }

  /** Buffers at least `n` bytes; false when the stream ends first (the bytes that exist stay readable). */
  async ensure(n: number): Promise<boolean> {
    while (this.available < n && !this.done) {
      let next: IteratorResult<Buffer | Uint8Array | string>;
      try {
        next = await this.iterator.next();
      } catch (error) {
        throw new DatasetError(`${this.fileName} could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (next.done) {
        this.done = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      // Keep only the unread tail before appending, so the buffer stays about one chunk long.
      this.buffer = this.available === 0 ? chunk : Buffer.concat([this.buffer.subarray(this.start), chunk]);
      this.start = 0;
    }
    return this.available >= n;
  }

  /** The buffered bytes; `takeAt` offsets index into it until the next `ensure`. */
  get bytes(): Buffer {
    return this.buffer;
  }

  /**
   * Consumes the next `n` buffered bytes (call `ensure(n)` first) and returns their offset in
   * `bytes`: the per-record hot path, which makes no view object per record.
   */
  takeAt(n: number): number {
    const at = this.start;
    this.start += n;
    this.consumed += n;
    return at;
  }

  /** The next `n` buffered bytes (call `ensure(n)` first), as a view that is valid until the next `ensure`. */
  take(n: number): Buffer {
    const view = this.buffer.subarray(this.start, this.start + n);
    this.start += n;
    this.consumed += n;
    return view;
  }

  /** Skips `n` bytes, reading through the stream as needed; false when it ends first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.available === 0 && !(await this.ensure(1))) return false;
      const step = Math.min(left, this.available);
      this.take(step);
      left -= step;
    }
    return true;
  }

  /** Stops reading the underlying stream (e.g. the other file of the pair ended first). */
  async close(): Promise<void> {
    this.done = true;
    await this.iterator.return?.();
  }
}
