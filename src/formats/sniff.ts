import type { Readable } from 'node:stream';
import type { ArchiveEntry } from './types.ts';

/*
 * Detection reads the start of an entry, never the whole of it: these are the drivers' shared
 * ways to do that. An entry that cannot be read is "not recognised" here; the driver that claims
 * it (or nobody) reports it later.
 */

/**
 * Reads the start of an entry, chunk by chunk, until `decide` returns an answer or `maxBytes` are
 * read (then `decide` has a last say on what was read); undefined when it cannot tell.
 */
export async function sniff<T>(entry: ArchiveEntry, maxBytes: number, decide: (head: Buffer) => T | undefined): Promise<T | undefined> {
  let stream: Readable | undefined;
  try {
    stream = await entry.open();
    let head = Buffer.alloc(0);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head = Buffer.concat([head, chunk]);
      const answer = decide(head);
      if (answer !== undefined) return answer;
      if (head.length >= maxBytes) break;
    }
    return decide(head);
  } catch {
    return undefined;
  } finally {
    stream?.destroy();
  }
}

/** The first `length` bytes of an entry (fewer when it is shorter; empty when it cannot be read). */
export async function readHead(entry: ArchiveEntry, length: number): Promise<Buffer> {
  let stream: Readable | undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    stream = await entry.open();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) break;
    }
  } catch {
    return Buffer.alloc(0);
  } finally {
    stream?.destroy();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/**
 * Whether `head` reads as text: UTF-8 / ASCII without control bytes other than tab, LF, FF and
 * CR (a CSV, an XML or JSON file, a note). The last character may be cut by the head's end.
 */
export function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    if (byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d) continue;
    if (byte < 0x20 || byte === 0x7f) return false;
  }
  return !head.toString('utf8').slice(0, -1).includes('\uFFFD');
}
