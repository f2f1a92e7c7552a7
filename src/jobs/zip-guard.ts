import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isJunkPath } from '../formats/archive.ts';
import type { ByteSource } from '../formats/byte-source.ts';
import { bytesText, DEFAULT_ENTRY_LIMITS, InflateBudget, type EntryLimits } from '../formats/entry-check.ts';
import { openZipDirectory } from './zip-directory.ts';

export interface ZipLimits extends EntryLimits {
  /** Nested zips opened, as formats/archive.ts does (Leaf opens two levels). */
  maxNestedDepth: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { ...DEFAULT_ENTRY_LIMITS, maxNestedDepth: 2 };

/** Names that would land outside the folder if anything ever extracted by name (zip slip). */
function isUnsafeName(name: string): boolean {
  return name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..') || name.includes('\0');
}

/**
 * Checks an upload before anything inflates it: every central directory (nested zips
 * included, each spooled only after its own declared size passed) against the limits, every
 * name against zip slip, and the records against overlapping bytes. Declared sizes are binding:
 * the reader fails an entry that inflates past its declared size (a nested zip is spooled through
 * the same check). Nested zips are spooled into `tempDir`. Returns the reason for refusing the
 * upload, or undefined.
 */
export async function checkUpload(zip: string | ByteSource, tempDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<string | undefined> {
  let total = 0;
  let spooled = 0;
  const budget = new InflateBudget(limits);

  async function walk(file: string | ByteSource, prefix: string, depth: number): Promise<string | undefined> {
    let directory;
    try {
      directory = await openZipDirectory(file);
    } catch (error) {
      // A broken nested zip is the converter's to report, as a failure of that part only.
      return depth === 0 ? `The upload is not a readable zip archive (${(error as Error).message})` : undefined;
    }
    let files = 0;
    let encrypted = 0;
    try {
      for await (const entry of directory.entries()) {
        const path = prefix + entry.name;
        if (isUnsafeName(entry.name)) return `Upload rejected: the entry "${path}" has an unsafe path (absolute, or reaching outside the archive with "..")`;
        if (entry.name.endsWith('/')) continue;
        files++;
        if (entry.encrypted) {
          encrypted++;
          continue;
        }
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes) return `Upload rejected: its files would take more than ${bytesText(limits.maxTotalBytes)} once unpacked (a limit against zip bombs)`;
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize > limits.ratioMinBytes && ratio > limits.maxRatio) {
          return `Upload rejected: "${path}" would unpack to ${Math.round(ratio)} times its packed size (${bytesText(entry.uncompressedSize)}); more than ${limits.maxRatio} times looks like a zip bomb`;
        }
        if (entry.name.toLowerCase().endsWith('.zip') && !isJunkPath(entry.name) && depth < limits.maxNestedDepth) {
          const nested = join(tempDir, `zip-check-${spooled++}.zip`);
          try {
            await pipeline(await entry.open(budget), createWriteStream(nested));
            const reason = await walk(nested, `${path}!/`, depth + 1);
            if (reason) return reason;
          } catch {
            // Unreadable nested zips are left to the converter, which reports them as failed parts.
          } finally {
            await rm(nested, { force: true });
          }
        }
      }
      const overlap = await directory.overlap();
      if (overlap) return `Upload rejected: the zip entries "${prefix}${overlap[0]}" and "${prefix}${overlap[1]}" share the same bytes (entries that overlap are a zip-bomb technique; no zip writer makes them)`;
    } catch (error) {
      return depth === 0 ? `The upload is not a readable zip archive (${(error as Error).message})` : undefined;
    } finally {
      directory.close();
    }
    if (depth === 0 && files > 0 && encrypted === files) return 'Upload rejected: the zip is password-protected; its files are encrypted and cannot be read';
    return undefined;
  }

  return walk(zip, '', 0);
}
