/**
 * Places each point at the implement's working point instead of the GNSS receiver, as John Deere's
 * Operations Center export does (FORMAT.md, "Working-point position"): the receiver's position
 * `delay` seconds before the point's time, moved `offset` metres along the direction of travel
 * (+ ahead, − behind). The offset comes from the header geometry; the 0.88 s delay is fitted on
 * the two sample runs that have an export (it is in no header field found so far).
 */

/** Fitted: best on both the harvest (0.85–0.93 s) and the application (0.88 s) sample runs. */
export const WORKING_POINT_DELAY_S = 0.88;

/** Below this movement over one second the direction of travel is unknown (a parked receiver wobbles by a few cm). */
const MIN_HEADING_MOVE_M = 0.05;
/** Fixes older than this behind the newest are dropped: the model looks at most `delay + 1` s back. */
const HISTORY_MS = 4000;
const METRES_PER_DEGREE = 111_320;

export interface LatLon {
  lat: number;
  lon: number;
}

export class WorkingPoint {
  private time: number[] = [];
  private lat: number[] = [];
  private lon: number[] = [];
  /** Last known direction of travel as a unit vector (north, east), kept while the machine stands. */
  private heading: { north: number; east: number } | undefined;

  constructor(
    private readonly offset: number,
    private readonly delayMs: number,
  ) {}

  /** Records a receiver fix; fixes arrive in time order. */
  push(time: number, lat: number, lon: number): void {
    const n = this.time.length;
    if (n > 0 && time <= this.time[n - 1]!) return;
    this.time.push(time);
    this.lat.push(lat);
    this.lon.push(lon);
    let drop = 0;
    while (drop < this.time.length - 2 && this.time[drop]! < time - HISTORY_MS) drop++;
    if (drop > 0) {
      this.time.splice(0, drop);
      this.lat.splice(0, drop);
      this.lon.splice(0, drop);
    }
  }

  /** The receiver position at `time`, interpolated between the buffered fixes (clamped to the oldest / newest). */
  private receiverAt(time: number): LatLon {
    const t = this.time;
    const n = t.length;
    if (time <= t[0]!) return { lat: this.lat[0]!, lon: this.lon[0]! };
    if (time >= t[n - 1]!) return { lat: this.lat[n - 1]!, lon: this.lon[n - 1]! };
    let i = n - 1;
    while (i > 0 && t[i - 1]! > time) i--;
    const f = (time - t[i - 1]!) / (t[i]! - t[i - 1]!);
    return { lat: this.lat[i - 1]! + f * (this.lat[i]! - this.lat[i - 1]!), lon: this.lon[i - 1]! + f * (this.lon[i]! - this.lon[i - 1]!) };
  }

  /** The working point for a point logged at `time` (after the fix at `time` was pushed). */
  at(time: number): LatLon {
    if (this.time.length === 0) return { lat: NaN, lon: NaN };
    const here = this.receiverAt(time - this.delayMs);
    const before = this.receiverAt(time - this.delayMs - 1000);
    const cos = Math.cos((here.lat * Math.PI) / 180);
    const north = (here.lat - before.lat) * METRES_PER_DEGREE;
    const east = (here.lon - before.lon) * METRES_PER_DEGREE * cos;
    const moved = Math.hypot(north, east);
    if (moved >= MIN_HEADING_MOVE_M) this.heading = { north: north / moved, east: east / moved };
    if (!this.heading || this.offset === 0) return here;
    return {
      lat: here.lat + (this.offset * this.heading.north) / METRES_PER_DEGREE,
      lon: here.lon + (this.offset * this.heading.east) / (METRES_PER_DEGREE * cos),
    };
  }
}

/** A working-point state for a row line: centre and direction of travel (unit vector north, east). */
export interface Placed extends LatLon {
  north: number;
  east: number;
}

/**
 * A towed implement (the DB60 planter): the hitch sits `hitch` metres along the tractor's direction
 * of travel from the receiver (negative = behind); the implement's row line trails the hitch at
 * `drawbar` metres, turning towards it as the hitch moves (a trailer), instead of staying rigidly
 * behind the tractor. The same `delay` applies (FORMAT.md, "Working-point position").
 */
export class TowedPoint {
  private readonly receiver = new WorkingPoint(0, 0);
  private origin: LatLon | undefined;
  /** Implement reference (row line centre) in metres north / east of `origin`, and its history. */
  private implement: { north: number; east: number } | undefined;
  private time: number[] = [];
  private states: Placed[] = [];
  private heading: { north: number; east: number } | undefined;

  constructor(
    private readonly hitch: number,
    private readonly drawbar: number,
    private readonly delayMs: number,
  ) {}

  push(time: number, lat: number, lon: number): void {
    const n = this.time.length;
    if (n > 0 && time <= this.time[n - 1]!) return;
    this.receiver.push(time, lat, lon);
    this.origin ??= { lat, lon };
    const cos = Math.cos((this.origin.lat * Math.PI) / 180);
    const north = (lat - this.origin.lat) * METRES_PER_DEGREE;
    const east = (lon - this.origin.lon) * METRES_PER_DEGREE * cos;
    // The tractor's direction of travel over the last second (kept while it stands).
    const before = this.receiverBefore(time - 1000);
    if (before) {
      const dn = north - (before.lat - this.origin.lat) * METRES_PER_DEGREE;
      const de = east - (before.lon - this.origin.lon) * METRES_PER_DEGREE * cos;
      const moved = Math.hypot(dn, de);
      if (moved >= MIN_HEADING_MOVE_M) this.heading = { north: dn / moved, east: de / moved };
    }
    const heading = this.heading ?? { north: 1, east: 0 };
    const hitchN = north + this.hitch * heading.north;
    const hitchE = east + this.hitch * heading.east;
    this.implement ??= { north: hitchN - this.drawbar * heading.north, east: hitchE - this.drawbar * heading.east };
    const dn = hitchN - this.implement.north;
    const de = hitchE - this.implement.east;
    const d = Math.hypot(dn, de);
    if (d > 1e-9) this.implement = { north: hitchN - (this.drawbar * dn) / d, east: hitchE - (this.drawbar * de) / d };
    const dir = d > 1e-9 ? { north: dn / d, east: de / d } : heading;
    this.time.push(time);
    this.states.push({
      lat: this.origin.lat + this.implement.north / METRES_PER_DEGREE,
      lon: this.origin.lon + this.implement.east / (METRES_PER_DEGREE * cos),
      north: dir.north,
      east: dir.east,
    });
    let drop = 0;
    while (drop < this.time.length - 2 && this.time[drop]! < time - HISTORY_MS) drop++;
    if (drop > 0) {
      this.time.splice(0, drop);
      this.states.splice(0, drop);
    }
  }

  private receiverBefore(time: number): LatLon | undefined {
    const p = this.receiver.at(time);
    return Number.isFinite(p.lat) ? p : undefined;
  }

  /** The row line centre and direction for a point logged at `time`, `delay` before it. */
  at(time: number): Placed | undefined {
    const n = this.time.length;
    if (n === 0) return undefined;
    const t = time - this.delayMs;
    if (t <= this.time[0]!) return this.states[0];
    if (t >= this.time[n - 1]!) return this.states[n - 1];
    let i = n - 1;
    while (i > 0 && this.time[i - 1]! > t) i--;
    const a = this.states[i - 1]!;
    const b = this.states[i]!;
    const f = (t - this.time[i - 1]!) / (this.time[i]! - this.time[i - 1]!);
    return { lat: a.lat + f * (b.lat - a.lat), lon: a.lon + f * (b.lon - a.lon), north: a.north + f * (b.north - a.north), east: a.east + f * (b.east - a.east) };
  }
}

/** `lateral` metres to the right of `placed` (perpendicular to its direction of travel). */
export function lateralOf(placed: Placed, lateral: number): LatLon {
  const cos = Math.cos((placed.lat * Math.PI) / 180);
  return { lat: placed.lat + (-lateral * placed.east) / METRES_PER_DEGREE, lon: placed.lon + (lateral * placed.north) / (METRES_PER_DEGREE * cos) };
}
