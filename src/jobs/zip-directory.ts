import type { Readable } from 'node:stream';
import { listEntries, openZipFile } from '../formats/archive.ts';
import type { ByteSource } from '../formats/byte-source.ts';

/*
 * Reads a zip's central directory (names and declared sizes, nothing inflated) for the upload
 * checks, through the same opener as the converter (formats/archive.ts), before anything is
 * spooled or converted.
 */

export interface DirectoryEntry {
  /** Raw name with backslashes read as "/", as yauzl does for the converter. */
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  open(): Promise<Readable>;
}

export interface ZipDirectory {
  entries(): AsyncGenerator<DirectoryEntry>;
  close(): void;
}

export async function openZipDirectory(file: string | ByteSource): Promise<ZipDirectory> {
  const zip = await openZipFile(file, { rawNames: true });
  return {
    async *entries() {
      for await (const entry of listEntries(zip)) {
        const raw = entry.fileName as unknown as Buffer;
        const current = entry;
        yield {
          name: raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1').replace(/\\/g, '/'),
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          encrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
          open: () => new Promise<Readable>((resolve, reject) => zip.openReadStream(current, (error, stream) => (error ? reject(error) : resolve(stream)))),
        };
      }
    },
    close: () => zip.close(),
  };
}
