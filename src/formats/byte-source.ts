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

export async function openFileSource(path: string): Promise<ByteSource> {
  const handle = await fsp.open(path, 'r');
  const { size } = await handle.stat();
  return {
    name: path,
    size,
    // A positioned read on the shared descriptor: the many small central-directory reads need no stream each.
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => {
        fsRead(handle.fd, buffer, offset, length, position, (error, bytesRead) => {
          if (error) return reject(error);
          if (bytesRead < length) return reject(new Error('unexpected end of file'));
          resolve();
        });
      }),
    // A stream of its own descriptor: streams sharing the source's descriptor would close it when destroyed.
    stream: (start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: READ_CHUNK }),
    close: () => handle.close(),
  };
}
