import type { ArchiveEntry } from '../types.ts';

/** Bytes read to judge a file: enough to tell text from binary and to see container magic numbers. */
export const HEAD_BYTES = 4096;

/** The first `length` bytes of an entry (fewer when it is shorter); empty when it cannot be read. */
export async function readHead(entry: ArchiveEntry, length = HEAD_BYTES): Promise<Buffer> {
  try {
    const stream = await entry.open();
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        total += chunk.length;
        if (total >= length) break;
      }
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks).subarray(0, length);
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * Whether `head` reads as text (UTF-8 / ASCII without control bytes other than tab, CR, LF, FF):
 * a CSV, an XML or JSON file, an "Advanced" text export renamed by hand. Ag Leader's native
 * files are written by its displays for SMS only; nothing public says they are text, and a text
 * file under their extension is more likely something else, so it is not claimed.
 */
export function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    if (byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d) continue;
    if (byte < 0x20 || byte === 0x7f) return false;
  }
  // Bytes ≥ 0x80 must form valid UTF-8 (the head may cut the last character).
  const text = head.toString('utf8');
  return !text.slice(0, -1).includes('\uFFFD');
}

/** What the first bytes say about the container, for messages (formats.md §2.7: "sniff before assuming"). */
export function containerKind(head: Buffer): string {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'a zip archive';
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'an SQLite database';
  if (looksLikeText(head)) return 'text';
  return 'binary data of no publicly known layout';
}
