import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

/*
 * A zip's directory declares each entry's size and CRC-32, and nothing makes the compressed data
 * agree: an entry declared as 300 bytes may inflate to a gibibyte, and flipped bytes in a stored
 * entry decode into wrong values. Every entry the archive walker opens is read through a check
 * that counts the bytes really produced, stops at the declared size and at the archive's caps,
 * and compares the CRC once the entry was read to its end.
 */

/** The caps on what an archive may inflate to (the upload's checks apply the same ones to declared sizes first). */
export interface EntryLimits {
  /** Most bytes all entries of an archive may inflate to, nested zips and their contents included. */
  maxTotalBytes: number;
  /** Most an entry may inflate relative to its packed size... */
  maxRatio: number;
  /** ...when it inflates to more than this (tiny files compress absurdly well and are harmless). */
  ratioMinBytes: number;
}

const GIB = 1024 ** 3;
export const DEFAULT_ENTRY_LIMITS: EntryLimits = { maxTotalBytes: 20 * GIB, maxRatio: 200, ratioMinBytes: 1024 ** 2 };

export function bytesText(bytes: number): string {
  return bytes >= GIB ? `${+(bytes / GIB).toFixed(2)} GiB` : bytes >= 1024 ** 2 ? `${+(bytes / 1024 ** 2).toFixed(2)} MiB` : `${bytes} bytes`;
}

/** An entry whose bytes disagree with its zip directory record (size, CRC, compressed data): the file is damaged or forged. Never read as a truncated file. */
export class DamagedEntryError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path} is damaged: ${detail}`);
    this.name = 'DamagedEntryError';
  }
}

export function oversizeError(path: string, declared: number): DamagedEntryError {
  return new DamagedEntryError(path, `it unpacks to more than the ${bytesText(declared)} its zip directory declares`);
}

/** An entry stopped at one of the archive's caps (a zip bomb, or a limit set too low for this upload). */
export class EntryLimitError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path} was not read to its end: ${detail}`);
    this.name = 'EntryLimitError';
  }
}

/** Whether reading must stop: a damaged entry or a cap, as opposed to a reader's own trouble with the content. */
export function isEntryFault(error: unknown): error is DamagedEntryError | EntryLimitError {
  return error instanceof DamagedEntryError || error instanceof EntryLimitError;
}

/**
 * The bytes an archive has inflated, for the total cap. An entry may be opened more than once
 * (detection sniffs its start, a reader scans it, then converts it): what counts is how far each
 * entry was ever read, so reading an entry again costs nothing.
 */
export class InflateBudget {
  private total = 0;
  private readonly furthest = new Map<object, number>();

  constructor(readonly limits: EntryLimits) {}

  /** Records that `entry` has been read to `position`; false when that takes the archive past its total cap. */
  reach(entry: object, position: number): boolean {
    const before = this.furthest.get(entry) ?? 0;
    if (position <= before) return true;
    this.furthest.set(entry, position);
    this.total += position - before;
    return this.total <= this.limits.maxTotalBytes;
  }
}

export interface EntryFacts {
  /** As the user sees it, for messages. */
  path: string;
  /** Declared uncompressed size. */
  size: number;
  /** Declared packed size (the ratio cap). */
  compressedSize: number;
  /** Declared CRC-32; undefined when there is none to check (a folder's file). */
  crc32?: number;
}

/** Checks one read of an entry: counts, caps and, at its end, the size and CRC. */
export class EntryCheck {
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly entry: object,
    private readonly facts: EntryFacts,
    private readonly budget: InflateBudget,
  ) {}

  /** The fault that reading `chunk` next makes, if any. */
  add(chunk: Uint8Array): Error | undefined {
    this.bytes += chunk.length;
    const { facts, budget } = this;
    const { limits } = budget;
    if (this.bytes > facts.size) return oversizeError(facts.path, facts.size);
    if (this.bytes > limits.ratioMinBytes && this.bytes / Math.max(1, facts.compressedSize) > limits.maxRatio) {
      return new EntryLimitError(facts.path, `it unpacks to more than ${limits.maxRatio} times its packed size of ${bytesText(facts.compressedSize)}, which looks like a zip bomb`);
    }
    if (!budget.reach(this.entry, this.bytes)) {
      return new EntryLimitError(facts.path, `the files of this upload unpack to more than ${bytesText(limits.maxTotalBytes)} (a limit against zip bombs)`);
    }
    if (facts.crc32 !== undefined) this.crc = crc32(chunk, this.crc);
    return undefined;
  }

  /** The fault found once the entry was read to its end, if any. */
  end(): Error | undefined {
    const { facts } = this;
    if (this.bytes < facts.size) return new DamagedEntryError(facts.path, `it ends after ${bytesText(this.bytes)} of the ${bytesText(facts.size)} its zip directory declares`);
    if (facts.crc32 !== undefined && this.crc >>> 0 !== facts.crc32 >>> 0) {
      return new DamagedEntryError(facts.path, 'its CRC-32 checksum does not match its zip directory (the bytes were altered or corrupted)');
    }
    return undefined;
  }
}

/**
 * The bytes of `source` through `check`. Pulled, never read ahead (high-water mark 0): a fault
 * found at the end (short, CRC) surfaces only once the reader has taken every byte before it, so
 * a reader that stops early (detection's sniff) never sees it, and one that reads on gets its
 * data first, then the error. `describe` names the errors of the source itself (corrupt deflate data).
 */
export function checkedStream(source: Readable, check: EntryCheck, describe: (error: Error) => Error = (error) => error): Readable {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return new Readable({
    highWaterMark: 0,
    read() {
      iterator.next().then(
        (next) => {
          if (next.done) {
            const fault = check.end();
            return fault ? this.destroy(fault) : void this.push(null);
          }
          const fault = check.add(next.value);
          if (fault) return this.destroy(fault);
          this.push(next.value);
        },
        (error: Error) => this.destroy(describe(error)),
      );
    },
    destroy(error, callback) {
      // A reader that stops early releases the file stream and the inflater with it.
      source.destroy();
      callback(error);
    },
  });
}
