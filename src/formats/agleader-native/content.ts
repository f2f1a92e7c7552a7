import { looksLikeText } from '../sniff.ts';

/** Bytes read to judge a file: enough to tell text from binary and to see container magic numbers. */
export const HEAD_BYTES = 4096;

/** What the first bytes say about the container, for messages (formats.md §2.7: "sniff before assuming"). */
export function containerKind(head: Buffer): string {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'a zip archive';
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'an SQLite database';
  if (looksLikeText(head)) return 'text';
  return 'binary data of no publicly known layout';
}
