import { Readable } from 'node:stream';
import type { ArchiveEntry, Dataset } from './formats/types.ts';
import type { OperationStage } from './pipeline.ts';

/** Where a conversion of a whole input stands. */
export interface ConversionProgress {
  /** Input bytes worked through so far (see InputProgress), never more than bytesTotal. */
  bytesDone: number;
  /** The uncompressed bytes of every entry the converted datasets read, known before the first operation. */
  bytesTotal: number;
  operationsDone: number;
  operationsTotal: number;
  /** The operation being converted, if one is. */
  current?: { index: number; dir: string; stage: OperationStage; points: number };
}

/** What one entry of the planned datasets has contributed. */
interface EntryCredit {
  size: number;
  /** Furthest byte the first (`reading`) and the writing pass reached, each at most `size`. */
  first: number;
  second: number;
  credit: number;
}

/** A read pass that counts: the first, the writing one, or none (the filters' statistics, detection, planning). */
type Pass = 0 | 1 | 2;

/**
 * Counts the bytes the format readers pull through the archive's entries while operations are
 * converted. An operation reads its source twice in full (the first pass, then the pass that
 * writes its table), with statistics passes between that cost far less; so each byte counts half
 * when the first pass reaches it and half when the writing pass does, and the bar moves through
 * both. An entry counts once however often it is read (the filters' passes, another operation
 * reading the same file); when an operation ends, the entries it opened count in full (a reader
 * that stops early, a failed read), and when the last operation of a dataset ends, so do its
 * entries nobody opened. At the end, bytesDone is exactly bytesTotal.
 */
export class InputProgress {
  private readonly credits = new Map<ArchiveEntry, EntryCredit>();
  private pass: Pass = 0;
  /** Entries opened by the operation being converted. */
  private readonly opened = new Set<EntryCredit>();
  private state: ConversionProgress = { bytesDone: 0, bytesTotal: 0, operationsDone: 0, operationsTotal: 0 };

  constructor(private readonly onUpdate: (state: ConversionProgress) => void) {}

  /** The entries to hand to detection: the same entries, whose streams report what is pulled through them. */
  count(entries: readonly ArchiveEntry[]): ArchiveEntry[] {
    return entries.map((entry) => {
      const counted: ArchiveEntry = { ...entry, open: async () => this.counted(counted, await entry.open()) };
      return counted;
    });
  }

  /** The work, known once the datasets are read: the entries of those with operations to convert. */
  plan(datasets: readonly Dataset[], operationCount: number): void {
    for (const dataset of datasets) {
      for (const entry of dataset.entries.values()) {
        if (!this.credits.has(entry)) this.credits.set(entry, { size: Math.max(0, entry.size), first: 0, second: 0, credit: 0 });
      }
    }
    let total = 0;
    for (const c of this.credits.values()) total += c.size;
    this.state = { bytesDone: 0, bytesTotal: total, operationsDone: 0, operationsTotal: operationCount };
  }

  get snapshot(): ConversionProgress {
    return { ...this.state, ...(this.state.current ? { current: { ...this.state.current } } : {}) };
  }

  operationStarted(dir: string): void {
    this.opened.clear();
    this.pass = 0;
    this.state.current = { index: this.state.operationsDone, dir, stage: 'reading', points: 0 };
  }

  stage(stage: OperationStage): void {
    if (!this.state.current) return;
    this.pass = stage === 'reading' ? 1 : stage === 'writing' ? 2 : 0;
    this.state.current.stage = stage;
    this.emit();
  }

  points(count: number): void {
    if (!this.state.current) return;
    this.state.current.points = count;
    this.emit();
  }

  /** `datasetEntries`: the entries of the operation's dataset, when it was the dataset's last operation. */
  operationEnded(datasetEntries?: Iterable<ArchiveEntry>): void {
    for (const credit of this.opened) this.settle(credit);
    if (datasetEntries) for (const entry of datasetEntries) this.settle(this.credits.get(entry));
    this.opened.clear();
    this.pass = 0;
    this.state.operationsDone++;
    delete this.state.current;
    this.emit();
  }

  private settle(credit: EntryCredit | undefined): void {
    if (!credit || credit.credit === credit.size) return;
    this.state.bytesDone += credit.size - credit.credit;
    credit.first = credit.second = credit.credit = credit.size;
  }

  private emit(): void {
    this.onUpdate(this.snapshot);
  }

  private counted(entry: ArchiveEntry, stream: Readable): Readable {
    const credit = this.credits.get(entry);
    // Detection and planning read before the work is known, and a planning pass over a large timelog (ISOXML's plausibility counts) would fill the bar before the conversion starts: those reads count when their dataset is done.
    if (!credit || !this.state.current) return stream;
    this.opened.add(credit);
    const pass = this.pass;
    if (pass === 0) return stream;
    let position = 0;
    return pulled(stream, (bytes) => {
      position += bytes;
      const reached = Math.min(position, credit.size);
      if (pass === 1 ? reached <= credit.first : reached <= credit.second) return;
      if (pass === 1) credit.first = reached;
      else credit.second = reached;
      const next = Math.floor((credit.first + credit.second) / 2);
      if (next <= credit.credit) return;
      this.state.bytesDone += next - credit.credit;
      credit.credit = next;
      this.emit();
    });
  }
}

/**
 * The same bytes, pulled one chunk per read as the archive's own entry streams are (entry-check.ts):
 * nothing is read ahead, so errors and the end still reach the reader after the bytes before them.
 */
function pulled(source: Readable, onBytes: (bytes: number) => void): Readable {
  const iterator = (source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  return new Readable({
    highWaterMark: 0,
    read() {
      iterator.next().then(
        (next) => {
          if (next.done) return void this.push(null);
          onBytes(next.value.length);
          this.push(next.value);
        },
        (error: Error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      source.destroy();
      callback(error);
    },
  });
}
