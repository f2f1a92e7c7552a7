import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import { converter } from '../../model/units.ts';
import type { ChannelColumn } from './channels.ts';
import { decodeDataFrame, type Series, type StateSample } from './chunk.ts';
import { readFrames } from './frames.ts';
import { FRAME_KIND } from './header.ts';
import { sectionStateChannel, stateElementWidths, workingWidth, workStateChannel } from './sections.ts';
import type { SessionFile } from './session.ts';
import { WorkingPoint } from './working-point.ts';

/**
 * Turns the data chunks of a run's session files into one point per second, the way John Deere's
 * Operations Center "OneHertz" export does (FORMAT.md, "Point selection"): the first receiver fix
 * of each UTC second, with the value every numeric channel last logged at that fix. Which seconds
 * become points depends on the operation:
 * - `sectionsOn` (application): seconds when at least one boom section is on;
 * - `moving` (harvest): the run's first second, then every second in which the receiver moved.
 */

export type Selection = 'sectionsOn' | 'moving';

export interface PointOptions {
  select: Selection;
  /**
   * Harvest: Deere code of the mass-flow channel. Each point then gets the wet mass per area
   * harvested since the previous second (flow × Δt / (distance × working width)), which reproduces
   * the export's WetMass (FORMAT.md, "Point selection").
   */
  massFlow?: { code: number };
  /**
   * The implement's width (m, 5.10.2.6), written on each point as equipmentWidth beside the width
   * that works there: the sum of the widths of the sections that are on (sections.ts; the sprayer
   * export's 110 ft with 10 of 11 sections on = 36.957 m − the 3.429 m outer section exactly).
   */
  width?: number;
  /** Place points at the working point (working-point.ts): inline offset from the receiver (m, + ahead) and delay (s). */
  workingPoint?: { offset: number; delay: number };
}

/** Holds each channel's last value as fixes advance in time. */
export class StepValues {
  private series: Series | undefined;
  private next = 0;
  current = NaN;

  /** Starts a new chunk's series, first applying what the previous chunk logged after its last fix. */
  load(series: Series | undefined): void {
    if (this.series) for (; this.next < this.series.time.length; this.next++) this.current = this.series.value[this.next]!;
    this.series = series;
    this.next = 0;
  }

  at(time: number): number {
    const s = this.series;
    if (s) for (; this.next < s.time.length && s.time[this.next]! <= time; this.next++) this.current = s.value[this.next]!;
    return this.current;
  }
}

export class StepState {
  private samples: StateSample[] = [];
  private next = 0;
  current: number[] | undefined;

  load(samples: StateSample[] | undefined): void {
    for (; this.next < this.samples.length; this.next++) this.current = this.samples[this.next]!.states;
    this.samples = samples ?? [];
    this.next = 0;
  }

  at(time: number): number[] | undefined {
    for (; this.next < this.samples.length && this.samples[this.next]!.time <= time; this.next++) this.current = this.samples[this.next]!.states;
    return this.current;
  }
}

export const WORK_STATE_KEY = 'workState';
/** How many elements of the section state channel are 1 at the fix. */
export const SECTIONS_ON_KEY = 'sectionsOn';
/** Metres the receiver moved since the previous second's fix. */
export const DISTANCE_KEY = 'distance';
/** Harvest: wet mass per area, lb/ac, from the mass flow (see PointOptions.massFlow). */
export const WET_MASS_KEY = 'wetMass';
/** The implement's width, m (see PointOptions.width). */
export const WIDTH_KEY = 'width';
/** The width of the sections on, m (see PointOptions.width). */
export const WORKING_WIDTH_KEY = 'workingWidth';

/**
 * A second counts as "moving" when the receiver moved at least this far since the previous second.
 * A parked receiver wobbles by 0.003–0.06 m; the export keeps one 0.033 m move and drops a final
 * 0.003 m wobble 19 s after the machine stopped. 1 cm is the threshold fitted on the harvest
 * sample (FORMAT.md, "Point selection"), not a documented Deere rule.
 */
export const MOVING_THRESHOLD_M = 0.01;

const EARTH_RADIUS = 6_371_008.8;
const LB_PER_KG = 1 / 0.45359237;
const M2_PER_ACRE = 4046.8564224;

function metresBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  return Math.hypot(dLat, dLon) * EARTH_RADIUS;
}

/** Column keys `runPoints` fills besides the channel columns. */
export function extraKeys(options: PointOptions): string[] {
  return [WORK_STATE_KEY, SECTIONS_ON_KEY, DISTANCE_KEY, ...(options.massFlow ? [WET_MASS_KEY] : []), ...(options.width !== undefined ? [WIDTH_KEY, WORKING_WIDTH_KEY] : [])];
}

/** True when the session logged a fix at or after its own start (FORMAT.md: a session whose fixes all precede it is an aborted start). */
function logsAfterStart(time: readonly number[], start: number): boolean {
  return time.length > 0 && time[time.length - 1]! >= start;
}

/** Streams the points of the given session files in time order, `BATCH_SIZE` at a time. */
export async function* runPoints(sessions: readonly SessionFile[], columns: readonly ChannelColumn[], options: PointOptions): AsyncGenerator<PointBatch> {
  const keys = [...columns.map((c) => c.spec.key), ...extraKeys(options)];
  let batch = emptyBatch(BATCH_SIZE, keys);
  const ordered = [...sessions].sort((a, b) => (a.header.startTime ?? 0) - (b.header.startTime ?? 0));
  const flowIndex = options.massFlow ? columns.findIndex((c) => c.code === options.massFlow!.code) : -1;
  const flowToKgPerS = flowIndex >= 0 && columns[flowIndex]!.spec.unit ? converter(columns[flowIndex]!.spec.unit!, 'kg/s') : undefined;
  // The 1 Hz grid and the "moved" test run across session files: a run is one continuous track.
  let lastSecond = -Infinity;
  let previous: { time: number; lat: number; lon: number } | undefined;
  let previousOut: { lat: number; lon: number } | undefined;
  let started = false;
  const placer = new WorkingPoint(options.workingPoint?.offset ?? 0, (options.workingPoint?.delay ?? 0) * 1000);
  for (const session of ordered) {
    const start = session.header.startTime;
    if (start === undefined) continue;
    const idByCode = new Map<number, number>();
    for (const decl of session.header.channels) if (decl.code !== undefined) idByCode.set(decl.code, decl.id);
    const steps = columns.map(() => new StepValues());
    const workId = workStateChannel(session.header);
    const work = new StepState();
    const sectionId = sectionStateChannel(session.header);
    const sections = new StepState();
    const sectionWidths = sectionId === undefined ? undefined : stateElementWidths(session.header, sectionId);
    for await (const frame of readFrames(await session.entry.open())) {
      const payload = frame.payload!;
      if (payload[0] !== 0x08 || payload[1] !== FRAME_KIND.data) continue;
      const chunk = decodeDataFrame(payload, start);
      columns.forEach((column, i) => {
        const id = idByCode.get(column.code);
        steps[i]!.load(id === undefined ? undefined : chunk.series.get(id));
      });
      work.load(workId === undefined ? undefined : chunk.states.get(workId));
      sections.load(sectionId === undefined ? undefined : chunk.states.get(sectionId));
      const { time, lat, lon } = chunk.positions;
      if (options.select === 'moving' && !started && !logsAfterStart(time, start)) continue;
      for (let p = 0; p < time.length; p++) {
        const t = time[p]!;
        placer.push(t, lat[p]!, lon[p]!);
        const values = columns.map((_, i) => steps[i]!.at(t));
        const state = work.at(t)?.[0];
        const sectionStates = sections.at(t);
        const second = Math.floor(t / 1000);
        if (second <= lastSecond) continue;
        lastSecond = second;
        const sectionsOn = sectionStates ? sectionStates.filter((v) => v === 1).length : NaN;
        const working = options.width !== undefined ? workingWidth(state, sectionStates, sectionWidths, options.width) : NaN;
        // "Moving" is judged on the receiver; distance (and so yield) on the placed points, as the export's DISTANCE.
        const moved = previous ? metresBetween(previous.lat, previous.lon, lat[p]!, lon[p]!) : NaN;
        const elapsed = previous ? (t - previous.time) / 1000 : NaN;
        previous = { time: t, lat: lat[p]!, lon: lon[p]! };
        const out = options.workingPoint ? placer.at(t) : { lat: lat[p]!, lon: lon[p]! };
        const distance = previousOut ? metresBetween(previousOut.lat, previousOut.lon, out.lat, out.lon) : NaN;
        previousOut = out;
        if (options.select === 'sectionsOn' && !(sectionsOn > 0)) continue;
        if (options.select === 'moving') {
          if (started && !(moved >= MOVING_THRESHOLD_M)) continue;
          started = true;
        }
        const n = batch.length;
        batch.time[n] = t;
        batch.lat[n] = out.lat;
        batch.lon[n] = out.lon;
        columns.forEach((column, i) => {
          batch.numbers.get(column.spec.key)![n] = values[i]! * column.factor;
        });
        batch.numbers.get(WORK_STATE_KEY)![n] = state ?? NaN;
        batch.numbers.get(SECTIONS_ON_KEY)![n] = sectionsOn;
        batch.numbers.get(DISTANCE_KEY)![n] = distance;
        if (options.massFlow) {
          // kg/s × s / m² → kg/m² → lb/ac; no distance, no area: no yield (the run's first point).
          const flow = flowToKgPerS ? flowToKgPerS(values[flowIndex]! * columns[flowIndex]!.factor) : NaN;
          const area = distance * working;
          // With every header section off nothing is harvested: the export's WetMass is 0 at exactly those seconds (FORMAT.md).
          const wet = area > 0 ? ((flow * elapsed) / area) * LB_PER_KG * M2_PER_ACRE : NaN;
          batch.numbers.get(WET_MASS_KEY)![n] = sectionsOn === 0 || working === 0 ? 0 : wet;
        }
        if (options.width !== undefined) {
          batch.numbers.get(WIDTH_KEY)![n] = options.width;
          batch.numbers.get(WORKING_WIDTH_KEY)![n] = working;
        }
        batch.length = n + 1;
        if (batch.length === BATCH_SIZE) {
          yield batch;
          batch = emptyBatch(BATCH_SIZE, keys);
        }
      }
    }
  }
  if (batch.length > 0) yield batch;
}
