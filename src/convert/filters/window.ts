import type { PointBatch } from '../../model/batch.ts';
import { distanceMeters } from '../geodesy.ts';
import type { FilterPlan } from './plan.ts';

/** One point held in the look-ahead window, linked to the next point of its own track. */
export interface HeldPoint {
  time: number;
  lon: number;
  lat: number;
  values: Float64Array;
  strings: (string | null)[];
  track: number;
  /** Working (recordingStatus On, or no recordingStatus logged). */
  on: boolean;
  /** Time of the first point of this point's pass; NaN when not working. */
  passStart: number;
  next: HeldPoint | undefined;
  /** Cleanup rule that removed it (set on arrival), or null. */
  cleanup: string | null;
  /** Speed in m/s; NaN when none. */
  speed: number;
  /**
   * Speeds (m/s) of the records just before this one in its run — the same track, no step longer
   * than the pass gap or back in time — nearest first, as many as the velocity-change window needs.
   * Copied forward on arrival, so that no point holds a link to earlier points (which would keep
   * the whole operation in memory).
   */
  earlier: number[];
  /** Speed implied by the step from the previous point of the track, m/s. */
  impliedSpeed: number;
  /** The filter that removed the point, set when it leaves the window; null when kept. */
  removedBy: string | null;
}

interface TrackState {
  last: HeldPoint;
}

/**
 * Above this many held points a point is released without its full look-ahead: only reached when
 * times run backwards for long stretches, and it keeps memory bounded whatever the input.
 */
const MAX_HELD = 200_000;

/**
 * A delay line over the operation's points in input order: each point is held until every point
 * logged within `horizon` seconds after it has arrived, so that filters may look ahead along its
 * track (flow shifts, end of pass) while only a few seconds of points are in memory.
 */
export class LookAheadWindow {
  private held: HeldPoint[] = [];
  private head = 0;
  private latest = -Infinity;
  private readonly tracks = new Map<number, TrackState>();
  private readonly recording: boolean;

  constructor(
    private readonly plan: FilterPlan,
    private readonly horizonSeconds: number,
    private readonly stringKeys: readonly string[],
  ) {
    this.recording = stringKeys.includes('recordingStatus');
  }

  /** Adds a standardized batch (with the cleanup rule of each point) and returns the points now complete, in input order. */
  push(batch: PointBatch, cleanup: readonly (string | null)[]): HeldPoint[] {
    const { keys, section, speed } = this.plan;
    const columns = keys.map((k) => batch.numbers.get(k));
    const strings = this.stringKeys.map((k) => batch.strings.get(k));
    const status = batch.strings.get('recordingStatus');
    const gapMs = this.plan.options.passes.gapSeconds * 1000;
    // The velocity-change medians reach r + 1 records back (the previous record's window).
    const history = speed ? this.plan.velocity.halfWidth + 1 : 0;
    for (let i = 0; i < batch.length; i++) {
      const values = new Float64Array(keys.length);
      for (let k = 0; k < columns.length; k++) values[k] = columns[k]?.[i] ?? NaN;
      const time = batch.time[i]!;
      const sectionValue = section === undefined ? 0 : values[section]!;
      const track = Number.isNaN(sectionValue) ? -1 : sectionValue;
      const point: HeldPoint = {
        time,
        lon: batch.lon[i]!,
        lat: batch.lat[i]!,
        values,
        strings: strings.map((s) => s?.[i] ?? null),
        track,
        on: this.recording ? status?.[i] === 'On' : true,
        passStart: NaN,
        next: undefined,
        cleanup: cleanup[i] ?? null,
        speed: speed ? speed.toBase(values[speed.index]!) : NaN,
        earlier: [],
        impliedSpeed: NaN,
        removedBy: null,
      };
      const state = this.tracks.get(track);
      const prev = state?.last;
      if (prev) {
        prev.next = point;
        const dtMs = time - prev.time;
        if (point.on) point.passStart = prev.on && dtMs >= 0 && dtMs <= gapMs ? prev.passStart : time;
        if (history > 0 && dtMs >= 0 && dtMs <= gapMs) point.earlier = [prev.speed, ...prev.earlier.slice(0, history - 1)];
        if (dtMs > 0) point.impliedSpeed = distanceMeters(prev.lon, prev.lat, point.lon, point.lat) / (dtMs / 1000);
        state.last = point;
      } else {
        if (point.on) point.passStart = time;
        this.tracks.set(track, { last: point });
      }
      this.held.push(point);
      if (time > this.latest) this.latest = time;
    }
    return this.release(false);
  }

  /** The points still held at the end of the operation: nothing more will arrive. */
  finish(): HeldPoint[] {
    return this.release(true);
  }

  private release(all: boolean): HeldPoint[] {
    const out: HeldPoint[] = [];
    const horizonMs = this.horizonSeconds * 1000;
    while (this.head < this.held.length) {
      const point = this.held[this.head]!;
      const complete = all || point.time + horizonMs < this.latest || this.held.length - this.head > MAX_HELD;
      if (!complete) break;
      out.push(point);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

/**
 * The first later point of the same track logged `seconds` after `point` (within `toleranceSeconds`
 * of that moment), whose values the point takes when a sensor lags behind the position.
 */
export function pointAfter(point: HeldPoint, seconds: number, toleranceSeconds: number): HeldPoint | undefined {
  const target = point.time + seconds * 1000;
  let q = point.next;
  while (q && q.time < target) q = q.next;
  return q && q.time - target <= toleranceSeconds * 1000 ? q : undefined;
}

/** Seconds from `point` to the last working point of its pass (looking ahead at most `limitSeconds`); Infinity when the pass goes on longer. */
export function secondsToPassEnd(point: HeldPoint, gapSeconds: number, limitSeconds: number): number {
  let last = point;
  for (let q = point.next; q; q = q.next) {
    const dt = q.time - last.time;
    if (!q.on || dt < 0 || dt > gapSeconds * 1000) break;
    if (q.time - point.time >= limitSeconds * 1000) return Infinity;
    last = q;
  }
  return (last.time - point.time) / 1000;
}

/**
 * The speeds around `point` in its run (same track, no step longer than `gapSeconds` or back in
 * time): up to `before` records before it, the point, and up to `after` records after it, in time
 * order, with the point's index. The look-ahead window holds the later records (FilterPass sets
 * its horizon to `after` × the pass gap).
 */
export function speedRun(point: HeldPoint, before: number, after: number, gapSeconds: number): { series: number[]; at: number } {
  const series = point.earlier.slice(0, before).reverse();
  const at = series.length;
  series.push(point.speed);
  let last = point;
  for (let q = point.next; q && series.length - at - 1 < after; q = q.next) {
    const dt = q.time - last.time;
    if (dt < 0 || dt > gapSeconds * 1000) break;
    series.push(q.speed);
    last = q;
  }
  return { series, at };
}
