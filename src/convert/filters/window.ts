import type { PointBatch } from '../../model/batch.ts';
import { distanceMeters } from '../geodesy.ts';
import type { FilterPlan } from './plan.ts';
import { PointRing } from './ring.ts';

/**
 * The last point of a track, copied: the point itself may have left the window (and its slot been
 * reused) long before the track's next point arrives.
 */
interface TrackState {
  seq: number;
  time: number;
  lon: number;
  lat: number;
  on: boolean;
  passStart: number;
  speed: number;
  /** The point's earlier speeds (nearest first) and how many are set. */
  earlier: Float64Array;
  earlierCount: number;
}

/** Sequence numbers [from, to) of the points a push released, in input order. */
export interface Released {
  from: number;
  to: number;
}

/**
 * Above this many held points a point is released without its full look-ahead: only reached when
 * times run backwards for long stretches, and it keeps memory bounded whatever the input.
 */
const MAX_HELD = 200_000;

/**
 * A delay line over the operation's points in input order: each point is held until every point
 * logged within `horizon` seconds after it has arrived, so that filters may look ahead along its
 * track (flow shifts, end of pass) while only a few seconds of points are in memory. The points
 * live in `ring`, by sequence number; each is linked to the next point of its own track.
 */
export class LookAheadWindow {
  readonly ring: PointRing;
  /** Sequence number of the first point not released yet. */
  private head = 0;
  /** Sequence number the next point will take. */
  private tail = 0;
  private latest = -Infinity;
  private readonly tracks = new Map<number, TrackState>();
  private readonly recording: boolean;
  /** Earlier speeds copied forward per point: the velocity-change medians reach r + 1 records back (the previous record's window). */
  private readonly history: number;
  /** A run's speeds around a point (speedRun's output), reused from point to point. */
  readonly series: Float64Array;
  /** Index of the point in `series` after the last speedRun. */
  seriesAt = 0;

  constructor(
    private readonly plan: FilterPlan,
    private readonly horizonSeconds: number,
    private readonly stringKeys: readonly string[],
    /** The ring's first capacity (it doubles when full); small in tests, to make it wrap and grow. */
    capacity?: number,
  ) {
    this.recording = stringKeys.includes('recordingStatus');
    const r = plan.velocity.halfWidth;
    this.history = plan.speed ? r + 1 : 0;
    this.ring = new PointRing(plan.keys, stringKeys, this.history, capacity);
    this.series = new Float64Array(2 * r + 2);
  }

  /** Adds a standardized batch (with the cleanup rule of each point) and returns the points now complete. */
  push(batch: PointBatch, cleanup: readonly (string | null)[]): Released {
    const { keys, section, speed } = this.plan;
    const columns = keys.map((k) => batch.numbers.get(k));
    const strings = this.stringKeys.map((k) => batch.strings.get(k));
    const status = batch.strings.get('recordingStatus');
    const gapMs = this.plan.options.passes.gapSeconds * 1000;
    const h = this.history;
    const { ring } = this;
    // Operations have one track unless they log sections: skip the map lookup while the track repeats.
    let lastTrack = NaN;
    let state: TrackState | undefined;
    // Points are released only after the loop: the ring must hold the whole batch beside the held points.
    while (this.tail - this.head + batch.length > ring.capacity) ring.grow(this.head, this.tail);
    ring.copyIn(this.tail, batch, columns, strings);
    for (let i = 0; i < batch.length; i++) {
      const seq = this.tail++;
      const s = ring.slot(seq);
      const time = batch.time[i]!;
      const lon = batch.lon[i]!;
      const lat = batch.lat[i]!;
      const sectionValue = section === undefined ? 0 : ring.values[section]![s]!;
      const track = Number.isNaN(sectionValue) ? -1 : sectionValue;
      const on = this.recording ? status?.[i] === 'On' : true;
      const pointSpeed = speed ? speed.toBase(ring.values[speed.index]![s]!) : NaN;
      let passStart = NaN;
      let earlierCount = 0;
      let impliedSpeed = NaN;
      if (track !== lastTrack) {
        state = this.tracks.get(track);
        lastTrack = track;
      }
      if (state) {
        // A point already released has been judged: its link is never read again, and its slot may hold another point by now.
        if (state.seq >= this.head) ring.next[ring.slot(state.seq)] = seq;
        const dtMs = time - state.time;
        const inRun = dtMs >= 0 && dtMs <= gapMs;
        if (on) passStart = state.on && inRun ? state.passStart : time;
        if (h > 0 && inRun) {
          ring.earlier[s * h] = state.speed;
          const carried = Math.min(h - 1, state.earlierCount);
          for (let j = 0; j < carried; j++) ring.earlier[s * h + 1 + j] = state.earlier[j]!;
          earlierCount = 1 + carried;
        }
        if (dtMs > 0) impliedSpeed = distanceMeters(state.lon, state.lat, lon, lat) / (dtMs / 1000);
      } else {
        if (on) passStart = time;
        state = { seq, time, lon, lat, on, passStart, speed: pointSpeed, earlier: new Float64Array(h), earlierCount: 0 };
        this.tracks.set(track, state);
      }
      ring.track[s] = track;
      ring.on[s] = on ? 1 : 0;
      ring.passStart[s] = passStart;
      ring.next[s] = -1;
      ring.cleanup[s] = cleanup[i] ?? null;
      ring.speed[s] = pointSpeed;
      ring.earlierCount[s] = earlierCount;
      ring.impliedSpeed[s] = impliedSpeed;
      ring.removedBy[s] = null;
      state.seq = seq;
      state.time = time;
      state.lon = lon;
      state.lat = lat;
      state.on = on;
      state.passStart = passStart;
      state.speed = pointSpeed;
      state.earlierCount = earlierCount;
      for (let j = 0; j < earlierCount; j++) state.earlier[j] = ring.earlier[s * h + j]!;
      if (time > this.latest) this.latest = time;
    }
    return this.release(false);
  }

  /** The points still held at the end of the operation: nothing more will arrive. */
  finish(): Released {
    return this.release(true);
  }

  private release(all: boolean): Released {
    const from = this.head;
    const horizonMs = this.horizonSeconds * 1000;
    const { ring } = this;
    while (this.head < this.tail) {
      const complete = all || ring.store.time[ring.slot(this.head)]! + horizonMs < this.latest || this.tail - this.head > MAX_HELD;
      if (!complete) break;
      this.head++;
    }
    return { from, to: this.head };
  }

  /**
   * The first later point of the same track logged `seconds` after point `seq` (within
   * `toleranceSeconds` of that moment), whose values the point takes when a sensor lags behind the
   * position; -1 when there is none.
   */
  pointAfter(seq: number, seconds: number, toleranceSeconds: number): number {
    const { ring } = this;
    const time = ring.store.time;
    const target = time[ring.slot(seq)]! + seconds * 1000;
    let q = ring.next[ring.slot(seq)]!;
    while (q >= 0 && time[ring.slot(q)]! < target) q = ring.next[ring.slot(q)]!;
    return q >= 0 && time[ring.slot(q)]! - target <= toleranceSeconds * 1000 ? q : -1;
  }

  /** Seconds from point `seq` to the last working point of its pass (looking ahead at most `limitSeconds`); Infinity when the pass goes on longer. */
  secondsToPassEnd(seq: number, gapSeconds: number, limitSeconds: number): number {
    const { ring } = this;
    const time = ring.store.time;
    const t0 = time[ring.slot(seq)]!;
    let last = t0;
    for (let q = ring.next[ring.slot(seq)]!; q >= 0; q = ring.next[ring.slot(q)]!) {
      const s = ring.slot(q);
      const dt = time[s]! - last;
      if (!ring.on[s] || dt < 0 || dt > gapSeconds * 1000) break;
      if (time[s]! - t0 >= limitSeconds * 1000) return Infinity;
      last = time[s]!;
    }
    return (last - t0) / 1000;
  }

  /**
   * The speeds around point `seq` in its run (same track, no step longer than `gapSeconds` or back
   * in time): up to `before` records before it, the point, and up to `after` records after it, in
   * time order, written to `series`. Returns the count; the point's index is `seriesAt`. The
   * look-ahead window holds the later records (FilterPass sets its horizon to `after` × the pass gap).
   */
  speedRun(seq: number, before: number, after: number, gapSeconds: number): number {
    const { ring, series, history } = this;
    const s = ring.slot(seq);
    const time = ring.store.time;
    const earlier = Math.min(before, ring.earlierCount[s]!);
    // Earlier speeds are stored nearest first; the series runs in time order.
    for (let j = 0; j < earlier; j++) series[earlier - 1 - j] = ring.earlier[s * history + j]!;
    this.seriesAt = earlier;
    let n = earlier;
    series[n++] = ring.speed[s]!;
    let last = time[s]!;
    for (let q = ring.next[s]!; q >= 0 && n - earlier - 1 < after; q = ring.next[ring.slot(q)]!) {
      const qs = ring.slot(q);
      const dt = time[qs]! - last;
      if (dt < 0 || dt > gapSeconds * 1000) break;
      series[n++] = ring.speed[qs]!;
      last = time[qs]!;
    }
    return n;
  }
}
