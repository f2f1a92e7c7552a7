import { BATCH_SIZE, type PointBatch } from '../../model/batch.ts';
import { POSITION_FIELDS, type TimeLogHeader } from './timelog-header.ts';
import { isEntryFault } from '../entry-check.ts';

/**
 * Streaming decoder of ISO 11783-10 binary timelogs (TLGnnnnn.BIN) into columnar point batches.
 *
 * A record is, little-endian: time of day (uint32 ms since midnight) and date (uint16 days since
 * 1980-01-01), the PTN fields the header marks as binary, then a uint8 count and that many
 * (uint8 DLV index, int32 value) pairs. Only changed values are logged by most controllers, so the
 * last value of every DLV is carried forward into each point; before its first value it is NaN.
 *
 * Times are taken as UTC. The standard does not say which clock the task controller uses and
 * many log local time (the CNH sample's TIM elements carry -05:00 while its binary times read as
 * the same wall-clock hours); Furrow reports them as recorded, like isoxml-js does.
 *
 * The decoder never throws on bad bytes. A truncated tail is reported and ignored. A broken record
 * (a DLV index beyond the header, an impossible time stamp) is skipped when whole records follow
 * it in time order a few bytes later, and otherwise ends the read; either way with a warning, and
 * every whole record read before is kept. Memory is bounded by one chunk plus one batch; no
 * object is allocated per record.
 */

/** Where each DLV value goes: an output column index, or -1 for a DLV this operation does not use. */
export interface ValueMapping {
  column: Int32Array;
  /** Output value = (raw + offset) × scale. */
  scale: Float64Array;
  offset: Float64Array;
}

/** Output columns filled from the position block rather than from DLVs. */
export interface PositionColumns {
  elevation?: number;
  gpsStatus?: number;
  pdop?: number;
  hdop?: number;
  satellites?: number;
}

export interface DecodeSpec {
  /** File name for messages, e.g. `TLG00003.BIN`. */
  fileName: string;
  header: TimeLogHeader;
  /** Keys of the numeric columns of every batch, in column-index order. */
  columnKeys: readonly string[];
  values: ValueMapping;
  positionColumns: PositionColumns;
  /** Starting value of every column (NaN = none yet); constants such as a fixed working width are set here once. */
  initial?: Float64Array;
  /** When given, per-DLV statistics of the logged values (not carried forward) are accumulated here. */
  valueStats?: ValueStats;
  batchSize?: number;
  /** Size of the .BIN when known: a small file cannot hold a full batch, so its batches are allocated no larger than it can fill. */
  byteLength?: number;
}

export interface DecodeStats {
  /** Whole records read (what isoxml-js calls the records of a timelog). */
  records: number;
  /** Records that became points. */
  points: number;
  /** Records dropped for an invalid position (0/0, no fix, GNSS error, status "not available" after real fixes). */
  invalidPositions: number;
  /** Records kept although their status was 15 "not available", because the receiver never reported a real status. */
  statusUnavailableKept: number;
  firstTime: number;
  lastTime: number;
  /** Bytes skipped to get past broken records. */
  skippedBytes: number;
  /** True when the decoder stopped before the end of the file. */
  stopped: boolean;
}

/** Per DLV index: how many records carried a value, and their sum, minimum and maximum in output units. */
export interface ValueStats {
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

export function newValueStats(dataLogValues: number): ValueStats {
  return {
    count: new Float64Array(dataLogValues),
    sum: new Float64Array(dataLogValues),
    min: new Float64Array(dataLogValues).fill(Infinity),
    max: new Float64Array(dataLogValues).fill(-Infinity),
  };
}

function newDecodeStats(): DecodeStats {
  return { records: 0, points: 0, invalidPositions: 0, statusUnavailableKept: 0, firstTime: NaN, lastTime: NaN, skippedBytes: 0, stopped: false };
}

const EPOCH_1980 = Date.UTC(1980, 0, 1);
const DAY_MS = 86_400_000;
/**
 * A day has 86 400 000 ms, but controllers write the midnight rollover as 86 400 000 of the old
 * day (the CCI sample's TLG00019 does, between 23:59:59 and 00:00:01 of the next day), and a
 * leap second adds 1 000 more. Anything beyond cannot be a time of day.
 */
const MAX_TIME_OF_DAY = DAY_MS + 1_000;
/** Days since 1980 of 2100-01-01: a later date is not a plausible log, it is bytes read out of step. */
const MAX_DAYS = Math.round((Date.UTC(2100, 0, 1) - EPOCH_1980) / DAY_MS);
/** Records follow each other closely; a jump of more than a day needs the records after it to confirm it. */
const MAX_JUMP_MS = DAY_MS;
/** How far past a broken record to look for the next run of valid records (stray bytes seen in the wild are a handful). */
const MAX_RESYNC_SKIP = 16 * 1024;
/** Records that must decode in a row, with times that follow on, before reading resumes there. */
const RESYNC_RUN = 4;
/** A file that needs more resynchronisations than this is not worth guessing through. */
const MAX_RESYNCS = 32;

/** Rows a batch starts with before it grows towards the batch size. */
const FIRST_CAPACITY = 1024;

/** Indexes into POSITION_FIELDS. */
const NORTH = 0;
const EAST = 1;
const UP = 2;
const STATUS = 3;
const PDOP = 4;
const HDOP = 5;
const SATELLITES = 6;

/** Outcomes of checking the bytes at an offset. */
type Step = 0 | 1 | 2;
const OK: Step = 0;
const NEED_MORE: Step = 1;
const BROKEN: Step = 2;

/** Incremental decoder: feed chunks with `push`, then call `end`; both return the batches completed. */
export class TimeLogDecoder {
  readonly stats = newDecodeStats();
  readonly warnings: string[] = [];

  private readonly fileName: string;
  private readonly nDlv: number;
  private readonly fixedLength: number;
  /** Byte offset of each PTN field within a record (-1 when not in the record), in POSITION_FIELDS order. */
  private readonly offsets = new Int32Array(POSITION_FIELDS.length);
  /** Header constant of each PTN field (NaN when none). */
  private readonly constants = new Float64Array(POSITION_FIELDS.length);
  private readonly values: ValueMapping;
  /** Output column of elevation, status, PDOP, HDOP and satellites (-1 when not wanted). */
  private readonly positionColumns: Int32Array;
  private readonly columnKeys: readonly string[];
  private batchSize: number;
  /** Last value of every output column, carried forward from record to record. */
  private readonly current: Float64Array;
  private readonly valueStats: ValueStats | undefined;

  private carry: Uint8Array = new Uint8Array(0);
  private capacity = 0;
  private consumed = 0;
  private batch: PointBatch;
  private columns: Float64Array[];
  private sawRealFix = false;
  private resyncs = 0;
  /** Candidates already rejected past the broken record being resynchronised, so a search that waits for more bytes resumes. */
  private resyncScanned = 0;
  private lastTime = NaN;
  private brokenReason = '';
  private done = false;

  constructor(spec: DecodeSpec) {
    this.fileName = spec.fileName;
    this.nDlv = spec.header.dataLogValues.length;
    this.values = spec.values;
    const pc = spec.positionColumns;
    this.positionColumns = Int32Array.from([pc.elevation, pc.gpsStatus, pc.pdop, pc.hdop, pc.satellites], (i) => i ?? -1);
    this.columnKeys = spec.columnKeys;
    this.valueStats = spec.valueStats;
    this.batchSize = spec.batchSize ?? BATCH_SIZE;
    this.current = spec.initial ? Float64Array.from(spec.initial) : new Float64Array(spec.columnKeys.length).fill(NaN);
    let at = 6;
    POSITION_FIELDS.forEach((field, i) => {
      const slot = spec.header.position[field.name];
      this.offsets[i] = slot.kind === 'binary' ? at : -1;
      this.constants[i] = slot.kind === 'constant' ? slot.value : NaN;
      if (slot.kind === 'binary') at += field.bytes;
    });
    this.fixedLength = at + 1;
    // Every record is at least the fixed part long, which bounds how many points the file can give.
    if (spec.byteLength !== undefined) this.batchSize = Math.max(1, Math.min(this.batchSize, Math.ceil(spec.byteLength / this.fixedLength)));
    ({ batch: this.batch, columns: this.columns } = this.newBatch(Math.min(this.batchSize, FIRST_CAPACITY)));
    if (spec.header.start.kind !== 'binary') {
      this.warnings.push(`${this.fileName}: the timelog header does not log a time stamp per record (TIM A is not empty), so its records cannot be placed in time; the file was skipped`);
      this.done = true;
      this.stats.stopped = true;
    } else if (this.offsets[NORTH] < 0 && !Number.isFinite(this.constants[NORTH])) {
      this.warnings.push(`${this.fileName}: the timelog header logs no position (no PTN north/east), so none of its records can become a point`);
    }
  }

  push(chunk: Uint8Array): PointBatch[] {
    if (this.done) return [];
    const out: PointBatch[] = [];
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    }
    const used = this.parse(buf, false, out);
    this.consumed += used;
    // A copy, so that the carried tail does not pin the whole chunk in memory.
    this.carry = this.done ? new Uint8Array(0) : buf.slice(used);
    return out;
  }

  /** Ends the read because the bytes could not be read any further; what was decoded stays. */
  fail(reason: string): void {
    if (this.done) return;
    this.warnings.push(`${this.fileName}: reading failed after ${this.stats.records} records (${reason}); the records before were kept`);
    this.stats.stopped = true;
    this.done = true;
    this.carry = new Uint8Array(0);
  }

  end(): PointBatch[] {
    const out: PointBatch[] = [];
    if (!this.done) {
      const used = this.parse(this.carry, true, out);
      this.consumed += used;
      const left = this.carry.length - used;
      if (left > 0 && !this.done) {
        this.warnings.push(`${this.fileName} ends mid-record after ${this.stats.records} records; the last ${left} bytes were ignored`);
      }
      this.carry = new Uint8Array(0);
      this.done = true;
    }
    if (this.batch.length > 0) out.push(this.finishBatch());
    this.summarise();
    return out;
  }

  /** Decodes whole records from `buf`; returns how many bytes were consumed. */
  private parse(buf: Uint8Array, eof: boolean, out: PointBatch[]): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const end = buf.length;
    let p = 0;
    while (p < end) {
      const step = this.check(buf, view, p, end, this.lastTime, eof, true);
      if (step === NEED_MORE) return p;
      if (step === BROKEN) {
        const resumeAt = this.resync(buf, view, p, end, eof);
        if (resumeAt === -1) return p; // not enough bytes yet to decide
        if (resumeAt === -2) {
          this.stop(p);
          return end;
        }
        this.stats.skippedBytes += resumeAt - p;
        this.warnings.push(
          `${this.fileName}: record ${this.stats.records + 1} at byte ${this.consumed + p} is broken (${this.brokenReason}); ` +
            `skipped ${resumeAt - p} bytes to byte ${this.consumed + resumeAt}, where ${RESYNC_RUN} valid records follow in time order`,
        );
        p = resumeAt;
        continue;
      }
      p = this.decodeRecord(buf, view, p, out);
    }
    return p;
  }

  /**
   * Checks that a whole, sane record starts at `p` without decoding it. A time stamp more than a
   * day away from the previous record is either a clock change (the controller synchronised to
   * GNSS time, say) or bytes read out of step; with `confirmJumps` it counts as a clock change
   * when the records from `p` on follow each other in time, and as broken otherwise.
   */
  private check(buf: Uint8Array, view: DataView, p: number, end: number, previousTime: number, eof: boolean, confirmJumps: boolean): Step {
    if (end - p < this.fixedLength) return NEED_MORE;
    const ms = view.getUint32(p, true);
    const days = view.getUint16(p + 4, true);
    if (ms > MAX_TIME_OF_DAY || days >= MAX_DAYS) {
      this.brokenReason = `impossible time stamp: day ${days} since 1980-01-01, ${ms} ms since midnight`;
      return BROKEN;
    }
    const count = buf[p + this.fixedLength - 1];
    if (end - p < this.fixedLength + count * 5) return NEED_MORE;
    for (let k = 0, q = p + this.fixedLength; k < count; k++, q += 5) {
      if (buf[q] >= this.nDlv) {
        this.brokenReason = `DLV index ${buf[q]} but the header lists ${this.nDlv}`;
        return BROKEN;
      }
    }
    const time = EPOCH_1980 + days * DAY_MS + ms;
    if (Math.abs(time - previousTime) > MAX_JUMP_MS) {
      const run = confirmJumps ? this.validRun(buf, view, p, end, eof, NaN) : BROKEN;
      if (run === BROKEN) this.brokenReason = `time stamp ${new Date(time).toISOString()} is more than a day from the previous record's and the records after it do not follow on`;
      return run;
    }
    return OK;
  }

  /**
   * Looks for the next offset after a broken record where RESYNC_RUN records decode in a row with
   * times that follow on from the last good record. Returns the offset, -1 when more bytes are
   * needed to decide, or -2 when there is none within reach.
   *
   * Why not simply stop: real controllers sometimes write a few stray bytes and carry on; the
   * KRONE sample's TLG0006/TLG0007 have 5 bytes (`00 4F 00 00 00`, a lone DLV pair) after their
   * first record and are whole from there on, which the CSV export in the same folder confirms.
   * A run of several records whose times follow on cannot be random bytes by chance.
   */
  private resync(buf: Uint8Array, view: DataView, p: number, end: number, eof: boolean): number {
    if (this.resyncs >= MAX_RESYNCS) return -2;
    const reason = this.brokenReason;
    const limit = Math.min(end, p + MAX_RESYNC_SKIP);
    let q = p + Math.max(1, this.resyncScanned);
    let result = -2;
    for (; q < limit; q++) {
      const run = this.validRun(buf, view, q, end, eof, this.lastTime);
      if (run === OK) {
        this.resyncs++;
        result = q;
        break;
      }
      if (run === NEED_MORE) {
        result = -1;
        break;
      }
    }
    // Without the full search window the answer may still come with the next chunk.
    if (result === -2 && !eof && end - p < MAX_RESYNC_SKIP) result = -1;
    // Rejections are final, so a search that waits for more bytes resumes where it stopped.
    this.resyncScanned = result === -1 ? q - p : 0;
    this.brokenReason = reason;
    return result;
  }

  /** Whether RESYNC_RUN records (or all up to the end of the file) start at `q`, each following the one before within the hour. */
  private validRun(buf: Uint8Array, view: DataView, q: number, end: number, eof: boolean, previousTime: number): Step {
    let previous = previousTime;
    for (let i = 0; i < RESYNC_RUN; i++) {
      if (eof && q === end && i > 0) return OK;
      const step = this.check(buf, view, q, end, previous, eof, false);
      if (step === NEED_MORE) return eof ? BROKEN : NEED_MORE;
      if (step === BROKEN) return BROKEN;
      const time = EPOCH_1980 + view.getUint16(q + 4, true) * DAY_MS + view.getUint32(q, true);
      // Records follow each other within the hour; random bytes land anywhere in 180 years.
      if (Number.isFinite(previous) && (time < previous - 1_000 || time > previous + 3_600_000)) return BROKEN;
      previous = time;
      q += this.fixedLength + buf[q + this.fixedLength - 1] * 5;
    }
    return OK;
  }

  private stop(p: number): void {
    this.warnings.push(
      `${this.fileName}: record ${this.stats.records + 1} at byte ${this.consumed + p} is broken (${this.brokenReason}) and no valid records follow it; ` +
        `the ${this.stats.records} records before it were kept and the rest of the file was ignored`,
    );
    this.stats.stopped = true;
    this.done = true;
  }

  /** Decodes the record at `p` (already checked) into the current values and, if its position is valid, a point. */
  private decodeRecord(buf: Uint8Array, view: DataView, p: number, out: PointBatch[]): number {
    const time = EPOCH_1980 + view.getUint16(p + 4, true) * DAY_MS + view.getUint32(p, true);
    const o = this.offsets;
    const c = this.constants;
    const north = o[NORTH] >= 0 ? view.getInt32(p + o[NORTH], true) / 10_000_000 : c[NORTH];
    const east = o[EAST] >= 0 ? view.getInt32(p + o[EAST], true) / 10_000_000 : c[EAST];
    const status = o[STATUS] >= 0 ? buf[p + o[STATUS]] : c[STATUS];

    const current = this.current;
    const pc = this.positionColumns;
    if (pc[0] >= 0) current[pc[0]] = o[UP] >= 0 ? view.getInt32(p + o[UP], true) : c[UP];
    if (pc[1] >= 0) current[pc[1]] = status;
    if (pc[2] >= 0) current[pc[2]] = o[PDOP] >= 0 ? view.getUint16(p + o[PDOP], true) / 10 : c[PDOP];
    if (pc[3] >= 0) current[pc[3]] = o[HDOP] >= 0 ? view.getUint16(p + o[HDOP], true) / 10 : c[HDOP];
    if (pc[4] >= 0) current[pc[4]] = o[SATELLITES] >= 0 ? buf[p + o[SATELLITES]] : c[SATELLITES];

    const count = buf[p + this.fixedLength - 1];
    const { column, scale, offset } = this.values;
    let q = p + this.fixedLength;
    const valueStats = this.valueStats;
    for (let k = 0; k < count; k++, q += 5) {
      const index = buf[q];
      const value = (view.getInt32(q + 1, true) + offset[index]) * scale[index];
      const target = column[index];
      if (target >= 0) current[target] = value;
      if (valueStats) {
        valueStats.count[index]++;
        valueStats.sum[index] += value;
        if (value < valueStats.min[index]) valueStats.min[index] = value;
        if (value > valueStats.max[index]) valueStats.max[index] = value;
      }
    }

    const stats = this.stats;
    stats.records++;
    if (stats.records === 1) stats.firstTime = time;
    stats.lastTime = time;
    this.lastTime = time;

    if (this.isValidPosition(north, east, status)) {
      if (this.batch.length === this.capacity) this.grow();
      const batch = this.batch;
      const i = batch.length;
      batch.time[i] = time;
      batch.lat[i] = north;
      batch.lon[i] = east;
      const columns = this.columns;
      for (let k = 0; k < columns.length; k++) columns[k][i] = current[k];
      batch.length = i + 1;
      stats.points++;
      if (batch.length === this.batchSize) out.push(this.finishBatch());
    } else {
      stats.invalidPositions++;
    }
    return q;
  }

  /**
   * ISO 11783-10 position status: 0 no fix, 1–8 fixes of various kinds, 14 error, 15 not
   * available. A 0/0 position, no fix or an error is never a real position. Status 15 says only
   * that the receiver did not report a status: the CCI and KRONE controllers log 15 on every
   * record next to positions that trace the field boundaries exactly, so 15 invalidates a point
   * only once the same log has shown real fix statuses (then it marks a moment without a fix).
   */
  private isValidPosition(north: number, east: number, status: number): boolean {
    if (!(Number.isFinite(north) && Number.isFinite(east)) || (north === 0 && east === 0)) return false;
    if (status >= 1 && status <= 8) {
      this.sawRealFix = true;
      return true;
    }
    if (status === 0 || status === 14) return false;
    if (status === 15) {
      if (this.sawRealFix) return false;
      this.stats.statusUnavailableKept++;
    }
    return true;
  }

  /**
   * Starts a batch. Arrays start small and double up to the batch size, so a timelog of a few
   * thousand records does not allocate (and the collector does not sweep) 64 k rows per column;
   * once a file has filled a whole batch, the next ones start full size.
   */
  private newBatch(capacity: number): { batch: PointBatch; columns: Float64Array[] } {
    this.capacity = capacity;
    const columns = this.columnKeys.map(() => new Float64Array(capacity));
    const batch: PointBatch = {
      length: 0,
      time: new Float64Array(capacity),
      lon: new Float64Array(capacity),
      lat: new Float64Array(capacity),
      numbers: new Map(this.columnKeys.map((key, k) => [key, columns[k]!])),
      strings: new Map(),
    };
    return { batch, columns };
  }

  private grow(): void {
    const old = this.batch;
    const { batch, columns } = this.newBatch(Math.min(this.batchSize, this.capacity * 2));
    batch.time.set(old.time);
    batch.lon.set(old.lon);
    batch.lat.set(old.lat);
    this.columns.forEach((values, k) => columns[k]!.set(values));
    batch.length = old.length;
    this.batch = batch;
    this.columns = columns;
  }

  /** Hands out the filled batch, trimmed to its length, and starts a new one. */
  private finishBatch(): PointBatch {
    const full = this.batch;
    const n = full.length;
    ({ batch: this.batch, columns: this.columns } = this.newBatch(n === this.batchSize ? this.batchSize : FIRST_CAPACITY));
    if (n === full.time.length) return full;
    const numbers = new Map<string, Float64Array>();
    for (const [key, values] of full.numbers) numbers.set(key, values.subarray(0, n));
    return { length: n, time: full.time.subarray(0, n), lon: full.lon.subarray(0, n), lat: full.lat.subarray(0, n), numbers, strings: full.strings };
  }

  private summarise(): void {
    const s = this.stats;
    if (s.invalidPositions > 0) {
      this.warnings.push(`${this.fileName}: ${s.invalidPositions} of ${s.records} records had no valid position (0/0, no GNSS fix, GNSS error, or status "not available" after real fixes) and were dropped`);
    }
    if (s.statusUnavailableKept > 0) {
      this.warnings.push(
        `${this.fileName}: ${s.statusUnavailableKept} records carry GNSS status 15 ("not available"); the receiver never reported a real fix status, so their non-zero positions were kept`,
      );
    }
  }
}

/**
 * Decodes a whole timelog stream batch by batch. A stream that fails part way ends the timelog
 * like a truncated file: with a warning and the records read so far; but a zip entry whose bytes
 * disagree with its directory record (entry-check.ts) fails the file.
 * `decoder.warnings` and `decoder.stats` are complete once the iteration ends.
 */
export async function* decodeTimeLog(source: AsyncIterable<Uint8Array | string>, decoder: TimeLogDecoder): AsyncGenerator<PointBatch> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (!decoder.stats.stopped) {
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await iterator.next();
      } catch (error) {
        // A damaged zip entry (CRC, size) fails the file: its records so far may be wrong too, unlike a log cut short.
        if (isEntryFault(error)) throw error;
        decoder.fail(error instanceof Error ? error.message : String(error));
        break;
      }
      if (next.done) break;
      if (typeof next.value !== 'string') yield* decoder.push(next.value);
    }
    yield* decoder.end();
  } finally {
    // Also when the consumer stops early: the stream (and its file descriptor) is released.
    await iterator.return?.();
  }
}
