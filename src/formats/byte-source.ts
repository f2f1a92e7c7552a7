import { createReadStream, read as fsRead, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Random access to the bytes of an archive, wherever they are: a local file, or an object in
 * S3 read by range requests (store/s3-range-source.ts). Zips are read through their central
 * directory, so this is all the archive walker needs; it never downloads a remote zip whole.
 */
export interface ByteSource {
  /** For messages. */
  readonly name: string;
  readonly size: number;
  /** Reads exactly `length` bytes at `position` into `buffer` at `offset`; fails on a short read. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<void>;
  /** Streams bytes [start, end), end exclusive. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

/** Node reads files 64 KiB at a time by default; 1 MiB reads cut the per-chunk overhead of large timelogs (bench/README.md). */
const READ_CHUNK = 1 << 20;

/** Reads up to this long are served from a cached block: yauzl reads a central directory record by record, and each entry's local header, in tens of bytes. */
const SMALL_READ = 4096;
const BLOCK = 64 * 1024;

export async function openFileSource(path: string): Promise<ByteSource> {
  const handle = await fsp.open(path, 'r');
  const { size } = await handle.stat();
  // A positioned read on the shared descriptor: the many small reads need no stream each.
  const readAt = (buffer: Buffer, offset: number, length: number, position: number) =>
    new Promise<number>((resolve, reject) => {
      fsRead(handle.fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
    });
  // The last block read, for the next small read (30,000 directory records: 60,000 reads become ~50).
  let block: { start: number; data: Buffer } | undefined;
  return {
    name: path,
    size,
    async read(buffer, offset, length, position) {
      if (length <= SMALL_READ && position >= 0 && position + length <= size) {
        if (!block || position < block.start || position + length > block.start + block.data.length) {
          const start = Math.max(0, Math.min(position, size - BLOCK));
          const data = Buffer.allocUnsafe(Math.min(BLOCK, size - start));
          if ((await readAt(data, 0, data.length, start)) < data.length) throw new Error('unexpected end of file');
          block = { start, data };
        }
        block.data.copy(buffer, offset, position - block.start, position - block.start + length);
        return;
      }
      if ((await readAt(buffer, offset, length, position)) < length) throw new Error('unexpected end of file');
    },
    // A stream of its own descriptor: streams sharing the source's descriptor would close it when destroyed.
    stream: (start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: READ_CHUNK }),
    close: () => handle.close(),
  };
}
