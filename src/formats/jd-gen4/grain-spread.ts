import type { PointBatch } from '../../model/batch.ts';

/**
 * Grain measured while the header is up, given back to the harvested area (FORMAT.md, "Grain
 * measured with the header up").
 *
 * The yield sensor keeps measuring for 5–10 s after every header section turns off (the
 * threshing system empties) and, on the lab run, for a few seconds before the sections turn on.
 * Furrow's per-second wet mass is 0 with every section off, which loses that grain; John Deere's
 * export keeps it: its total wet mass equals the total flow measured over the whole run, header up
 * or down, within 0.12 %, and it shows the extra as a flat, higher yield over the seconds just
 * before the lift and just after the lowering. So, per header-up period:
 * - the "tail" (the flow from the lift until it first stops) goes to the last harvested seconds
 *   before the lift;
 * - the rest (flow after it stopped, e.g. the header-up seconds before the next lowering) goes to
 *   the first harvested seconds after the lowering;
 * each spread over as many harvested seconds as the grain took to be measured, as one flat yield
 * (the window's mass plus the extra, over the window's area), as the export's plateaus are.
 * Window lengths are read off the export (plateaus of 5.7–9.4 s for 7–10 s of header-up flow), not
 * a documented rule; the mean yield does not depend on them (5 to 10 s change it by 0.01 %).
 *
 * Only the wet mass per area moves: the mass-flow column stays the sensor's reading, whose
 * integral over every second, header up or down, is the harvested mass (the Standardizer's).
 *
 * Two passes over the same deterministic point stream keep memory bounded: the first plans the
 * windows (a few numbers per header-up period), the second rewrites the wet mass in them.
 */

const LB_PER_KG = 1 / 0.45359237;
const M2_PER_ACRE = 4046.8564224;
/** Longest window (s): a longer header-up flow is spread over this many seconds (bounds the look-back). */
export const MAX_SPREAD_SECONDS = 30;
/** A gap between points longer than this (ms; points are one per second) counts as one second of flow. */
const MAX_STEP_MS = 1500;

export interface SpreadColumns {
  sectionsOn: string;
  /** Wet mass per area, lb/ac (0 with every section off). */
  wetMass: string;
  /** Metres since the previous point. */
  distance: string;
  /** Wet mass flow, in the channel's unit. */
  massFlow: string;
  /** The channel's unit → kg/s. */
  massFlowToKgPerS: (value: number) => number;
  /** Width of the header sections on, m. */
  workingWidth: string;
}

/** Points `first`..`last` (run-wide indices) get one flat wet mass: `mass` lb over `area` acres. */
export interface SpreadWindow {
  first: number;
  last: number;
  mass: number;
  area: number;
}

interface Harvested {
  index: number;
  mass: number;
  area: number;
}

function windowOf(points: readonly Harvested[], extra: number): SpreadWindow {
  let mass = extra;
  let area = 0;
  for (const p of points) {
    mass += p.mass;
    area += p.area;
  }
  return { first: points[0]!.index, last: points.at(-1)!.index, mass, area };
}

/** First pass: where each header-up period's grain goes. */
export async function planSpread(points: AsyncIterable<PointBatch>, columns: SpreadColumns): Promise<SpreadWindow[]> {
  const windows: SpreadWindow[] = [];
  let index = 0;
  let lastAssigned = -1;
  let previousTime = NaN;
  /** The harvested seconds just before now (contiguous, newest last). */
  let recent: Harvested[] = [];
  let headerUp = false;
  let tailOpen = false;
  let tail = { mass: 0, seconds: 0 };
  let head = { mass: 0, seconds: 0 };
  /** A window after a lowering, still collecting its seconds. */
  let forward: { extra: number; seconds: number; points: Harvested[] } | undefined;

  const push = (window: SpreadWindow): void => {
    windows.push(window);
    lastAssigned = window.last;
  };
  const closeForward = (): void => {
    if (forward && forward.points.length > 0) push(windowOf(forward.points, forward.extra));
    forward = undefined;
  };
  const closeTail = (): void => {
    tailOpen = false;
    const before = recent.filter((p) => p.index > lastAssigned).slice(-Math.min(tail.seconds, MAX_SPREAD_SECONDS));
    // No harvested second before the lift (the run's start): the grain goes forward instead.
    if (before.length > 0 && tail.mass > 0) push(windowOf(before, tail.mass));
    else head = { mass: head.mass + tail.mass, seconds: head.seconds + tail.seconds };
    tail = { mass: 0, seconds: 0 };
  };

  for await (const batch of points) {
    const on = batch.numbers.get(columns.sectionsOn)!;
    const wet = batch.numbers.get(columns.wetMass)!;
    const distance = batch.numbers.get(columns.distance)!;
    const flow = batch.numbers.get(columns.massFlow)!;
    const width = batch.numbers.get(columns.workingWidth)!;
    for (let i = 0; i < batch.length; i++, index++) {
      const step = batch.time[i]! - previousTime;
      previousTime = batch.time[i]!;
      const seconds = step > 0 && step <= MAX_STEP_MS ? step / 1000 : 1;
      const area = (distance[i]! * width[i]!) / M2_PER_ACRE;
      if (on[i]! > 0) {
        if (!(Number.isFinite(wet[i]!) && area > 0)) continue;
        if (headerUp) {
          headerUp = false;
          if (tailOpen) closeTail();
          if (head.mass > 0) forward = { extra: head.mass, seconds: Math.min(head.seconds, MAX_SPREAD_SECONDS), points: [] };
          head = { mass: 0, seconds: 0 };
          recent = [];
        }
        const point = { index, mass: wet[i]! * area, area };
        recent.push(point);
        if (recent.length > MAX_SPREAD_SECONDS) recent = recent.slice(-MAX_SPREAD_SECONDS);
        if (forward) {
          forward.points.push(point);
          if (forward.points.length >= forward.seconds) closeForward();
        }
      } else if (on[i] === 0) {
        if (!headerUp) {
          headerUp = true;
          closeForward();
          tailOpen = true;
        }
        const kgPerS = columns.massFlowToKgPerS(flow[i]!);
        const kg = kgPerS > 0 ? kgPerS * seconds : 0;
        if (tailOpen && kg > 0) {
          tail.mass += kg * LB_PER_KG;
          tail.seconds++;
        } else {
          if (tailOpen) closeTail();
          if (kg > 0) head = { mass: head.mass + kg * LB_PER_KG, seconds: head.seconds + 1 };
        }
      }
    }
  }
  if (tailOpen) closeTail();
  closeForward();
  return windows;
}

/** Second pass: the points of `points` (the same stream again) with the planned windows' flat wet mass. */
export async function* applySpread(points: AsyncIterable<PointBatch>, windows: readonly SpreadWindow[], wetMassKey: string): AsyncGenerator<PointBatch> {
  let index = 0;
  let w = 0;
  for await (const batch of points) {
    const wet = batch.numbers.get(wetMassKey)!;
    for (let i = 0; i < batch.length; i++, index++) {
      while (w < windows.length && windows[w]!.last < index) w++;
      const window = windows[w];
      if (window && window.first <= index && Number.isFinite(wet[i]!)) wet[i] = window.mass / window.area;
    }
    yield batch;
  }
}

/** The run's points with header-up grain spread as above; `points` must give the same stream each call. */
export async function* spreadHeaderUpGrain(points: () => AsyncIterable<PointBatch>, columns: SpreadColumns): AsyncGenerator<PointBatch> {
  const windows = await planSpread(points(), columns);
  yield* applySpread(points(), windows, columns.wetMass);
}
