import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 1 << 20;

/**
 * Buffered sequential writes to a file: callers encode records straight into `buffer` after
 * `await room(n)`, and the sink writes ~1 MiB at a time. Memory stays at one chunk per file
 * whatever the number of records, and no Buffer is allocated per record.
 */
export class FileSink {
  buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  position = 0;
  private written = 0;

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w'));
  }

  /** Bytes written so far, buffered ones included. */
  get size(): number {
    return this.written + this.position;
  }

  /** Makes sure `bytes` more fit in the buffer, writing it out first when they do not. */
  async room(bytes: number): Promise<void> {
    if (this.position + bytes <= this.buffer.length) return;
    await this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.room(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  async flush(): Promise<void> {
    let offset = 0;
    while (offset < this.position) {
      const { bytesWritten } = await this.handle.write(this.buffer, offset, this.position - offset);
      offset += bytesWritten;
    }
    this.written += this.position;
    this.position = 0;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}
