import { open, rm, type FileHandle } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import type { ByteSink } from './parquet-writer.ts';

const CHUNK_BYTES = 1 << 20;

/** Gathers small writes (page headers are a few bytes) into ~1 MiB writes. */
abstract class BufferedSink implements ByteSink {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > CHUNK_BYTES) await this.flush();
    if (bytes.length >= CHUNK_BYTES) await this.put(bytes);
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await this.end();
  }

  abstract abort(error?: Error): void;
  protected abstract put(bytes: Uint8Array): Promise<void>;
  protected abstract end(): Promise<void>;

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    // The receiver may keep the bytes (a stream's queue): hand over this buffer and start another.
    const full = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    await this.put(full);
  }
}

/** Writes to a new file; `abort` removes the partial file. */
export class FileSink extends BufferedSink {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
  ) {
    super();
  }

  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w'), path);
  }

  protected async put(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += (await this.handle.write(bytes, written, bytes.length - written)).bytesWritten;
  }

  protected async end(): Promise<void> {
    await this.handle.close();
  }

  abort(): void {
    void this.handle.close().then(
      () => rm(this.path, { force: true }),
      () => rm(this.path, { force: true }),
    );
  }
}

/** Feeds a Readable (an HTTP reply), waiting while its reader is slower than the writer. */
export class StreamSink extends BufferedSink {
  readonly stream: Readable;
  private readonly pass = new PassThrough({ highWaterMark: 4 * CHUNK_BYTES });

  constructor() {
    super();
    this.stream = this.pass;
  }

  protected async put(bytes: Uint8Array): Promise<void> {
    if (this.pass.destroyed) throw new Error('the reader went away');
    if (!this.pass.write(bytes)) await Promise.race([once(this.pass, 'drain'), once(this.pass, 'close')]);
  }

  protected async end(): Promise<void> {
    this.pass.end();
  }

  abort(error?: Error): void {
    this.pass.destroy(error);
  }
}
