import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { ArchiveEntry } from '../types.ts';

/** The lines of a text stream, one at a time (CR LF or LF), so a file of any size reads in bounded memory. */
export async function* readLines(stream: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * The complete lines among the first `maxBytes` of an entry (a partial last line is dropped unless
 * the file ends there); empty when the entry cannot be read, which the reader reports later.
 */
export async function headLines(entry: ArchiveEntry, maxBytes: number): Promise<string[]> {
  let stream: Readable | undefined;
  try {
    stream = await entry.open();
    let head = Buffer.alloc(0);
    let truncated = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head = Buffer.concat([head, chunk]);
      if (head.length >= maxBytes) {
        truncated = true;
        break;
      }
    }
    // latin1 never fails on bytes; the sniffed columns are ASCII in every encoding a monitor writes.
    const lines = head.subarray(0, maxBytes).toString('latin1').split(/\r?\n/);
    if (truncated) lines.pop();
    return lines.filter((l) => l.trim() !== '');
  } catch {
    return [];
  } finally {
    stream?.destroy();
  }
}
