import type { PointBatch } from '../../model/batch.ts';

/**
 * The look-ahead window's points, held column by column in a ring of typed arrays: one object per
 * point (with its own values array) made the filter passes spend a quarter of their time in the
 * garbage collector. A point is addressed by its sequence number in the operation (0, 1, 2, ...);
 * its slot is the sequence number modulo the capacity, a power of two. The ring never overwrites
 * a held point: when the window holds `capacity` points it doubles, so its size follows what the
 * window holds (a few seconds of points, at most ~200,000) and not the operation.
 */
export class PointRing {
  /** A PointBatch view of the slots (time, positions, numeric and text columns), for the feature serializer; replaced when the ring grows. */
  store: PointBatch;
  /** Numeric values by key index (plan.keys), each indexed by slot; the same arrays as `store.numbers`. */
  values: Float64Array[];
  /** Text values by string key index, each indexed by slot; the same arrays as `store.strings`. */
  texts: (string | null)[][];
  /** Track of the point: its sectionId, 0 without sections, -1 when it has none. */
  track!: Float64Array;
  /** 1 when working (recordingStatus On, or none logged). */
  on!: Uint8Array;
  /** Time of the first point of the point's pass; NaN when not working. */
  passStart!: Float64Array;
  /** Sequence number of the next point of the same track, -1 until it arrives. */
  next!: Float64Array;
  /** Speed in m/s; NaN when none. */
  speed!: Float64Array;
  /** Speed implied by the step from the previous point of the track, m/s. */
  impliedSpeed!: Float64Array;
  /** Speeds of the records just before the point in its run, nearest first: `history` per slot. */
  earlier!: Float64Array;
  /** How many of the point's `history` earlier speeds are set. */
  earlierCount!: Uint8Array;
  /** Cleanup rule that removed the point (set on arrival), or null. */
  cleanup!: (string | null)[];
  /** The filter that removed the point, set when it leaves the window; null when kept. */
  removedBy!: (string | null)[];
  private mask: number;

  constructor(
    private readonly numberKeys: readonly string[],
    private readonly stringKeys: readonly string[],
    /** Earlier speeds kept per point (the velocity-change window's r + 1; 0 when not needed). */
    readonly history: number,
    capacity = 1 << 15,
  ) {
    if (capacity < 1 || (capacity & (capacity - 1)) !== 0) throw new Error(`ring capacity must be a power of two, not ${capacity}`);
    this.mask = capacity - 1;
    this.values = numberKeys.map(() => new Float64Array(capacity));
    this.texts = stringKeys.map(() => new Array<string | null>(capacity).fill(null));
    this.store = this.view(capacity);
    this.allocate(capacity);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** The slot of sequence number `seq` (ToInt32 keeps it exact: the capacity divides 2³²). */
  slot(seq: number): number {
    return seq & this.mask;
  }

  /** Doubles the capacity, keeping the points of sequence numbers [first, end) (the held ones) at their new slots. */
  grow(first: number, end: number): void {
    const oldMask = this.mask;
    const capacity = (oldMask + 1) * 2;
    const mask = capacity - 1;
    const move = <T extends Float64Array | Uint8Array | (string | null)[]>(from: T, to: T, width = 1): void => {
      for (let seq = first; seq < end; seq++) {
        const a = (seq & oldMask) * width;
        const b = (seq & mask) * width;
        for (let k = 0; k < width; k++) to[b + k] = from[a + k]!;
      }
    };
    const { store, values, texts, track, on, passStart, next, speed, impliedSpeed, earlier, earlierCount, cleanup, removedBy } = this;
    this.mask = mask;
    this.values = values.map((from) => {
      const to = new Float64Array(capacity);
      move(from, to);
      return to;
    });
    this.texts = texts.map((from) => {
      const to = new Array<string | null>(capacity).fill(null);
      move(from, to);
      return to;
    });
    this.store = this.view(capacity);
    move(store.time, this.store.time);
    move(store.lon, this.store.lon);
    move(store.lat, this.store.lat);
    this.allocate(capacity);
    move(track, this.track);
    move(on, this.on);
    move(passStart, this.passStart);
    move(next, this.next);
    move(speed, this.speed);
    move(impliedSpeed, this.impliedSpeed);
    move(earlier, this.earlier, this.history);
    move(earlierCount, this.earlierCount);
    move(cleanup, this.cleanup);
    move(removedBy, this.removedBy);
  }

  /**
   * Copies a batch's time, positions and columns (by key index; a missing column reads as NaN or
   * null) into the slots of sequence numbers [first, first + length), column by column: copied
   * point by point, a value at a time, this was the filter passes' hottest line. The caller has made
   * room (`capacity` ≥ the held points + length).
   */
  copyIn(first: number, batch: PointBatch, columns: readonly (Float64Array | undefined)[], strings: readonly ((string | null)[] | undefined)[]): void {
    const n = batch.length;
    const start = this.slot(first);
    const head = Math.min(n, this.capacity - start);
    const put = (to: Float64Array, from: Float64Array | undefined): void => {
      if (!from) {
        to.fill(NaN, start, start + head);
        to.fill(NaN, 0, n - head);
        return;
      }
      to.set(from.subarray(0, head), start);
      if (head < n) to.set(from.subarray(head, n), 0);
    };
    put(this.store.time, batch.time);
    put(this.store.lon, batch.lon);
    put(this.store.lat, batch.lat);
    for (let k = 0; k < columns.length; k++) put(this.values[k]!, columns[k]);
    for (let k = 0; k < strings.length; k++) {
      const to = this.texts[k]!;
      const from = strings[k];
      for (let i = 0; i < n; i++) to[(first + i) & this.mask] = from?.[i] ?? null;
    }
  }

  private allocate(capacity: number): void {
    this.track = new Float64Array(capacity);
    this.on = new Uint8Array(capacity);
    this.passStart = new Float64Array(capacity);
    this.next = new Float64Array(capacity);
    this.speed = new Float64Array(capacity);
    this.impliedSpeed = new Float64Array(capacity);
    this.earlier = new Float64Array(capacity * this.history);
    this.earlierCount = new Uint8Array(capacity);
    this.cleanup = new Array<string | null>(capacity).fill(null);
    this.removedBy = new Array<string | null>(capacity).fill(null);
  }

  private view(capacity: number): PointBatch {
    return {
      length: capacity,
      time: new Float64Array(capacity),
      lon: new Float64Array(capacity),
      lat: new Float64Array(capacity),
      numbers: new Map(this.numberKeys.map((k, i) => [k, this.values[i]!])),
      strings: new Map(this.stringKeys.map((k, i) => [k, this.texts[i]!])),
    };
  }
}
