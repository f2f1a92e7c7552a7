import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { findOverlap, listEntries, openEntry, openZipFile } from '../formats/archive.ts';
import type { ByteSource } from '../formats/byte-source.ts';
import type { InflateBudget } from '../formats/entry-check.ts';

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
  /** The inflated bytes, checked as the converter checks them (declared size, caps, CRC). */
  open(budget: InflateBudget): Promise<Readable>;
}

export interface ZipDirectory {
  entries(): AsyncGenerator<DirectoryEntry>;
  /** Once entries() was read through: two entries whose bytes overlap (names as listed), if any. */
  overlap(): Promise<[string, string] | undefined>;
  close(): void;
}

function nameOf(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  return raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1').replace(/\\/g, '/');
}

export async function openZipDirectory(file: string | ByteSource): Promise<ZipDirectory> {
  const zip = await openZipFile(file, { rawNames: true });
  const listed: yauzl.Entry[] = [];
  return {
    async *entries() {
      for await (const entry of listEntries(zip)) {
        listed.push(entry);
        const name = nameOf(entry);
        yield {
          name,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          encrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
          open: (budget) => openEntry(zip, entry, name, budget),
        };
      }
    },
    async overlap() {
      const found = await findOverlap(zip, listed);
      return found && [nameOf(found[0]), nameOf(found[1])];
    },
    close: () => zip.close(),
  };
}
