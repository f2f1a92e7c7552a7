import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import type { ColumnSpec } from '../types.ts';
import { decodeDataFrame, type Series, type StateSample } from './chunk.ts';
import { readFrames } from './frames.ts';
import { FRAME_KIND, type ChannelDecl, type SessionHeader } from './header.ts';
import type { SessionFile } from './session.ts';

/**
 * Turns the data chunks of a run's session files into columnar point batches: receiver fixes
 * (every fix, or the first fix of each second after the session start), with the value every
 * numeric channel last logged at the fix's time, optionally only while the machine's work state
 * is on. Not wired into the driver yet: FORMAT.md ("Status") says which figures of the Operations
 * Center export it reproduces (positions, moisture) and which it does not yet (point selection, yield).
 */

export interface PointOptions {
  /** Keep the first fix of each second after the session start (the fixes come at ~5 Hz). */
  perSecond: boolean;
  /** Keep only fixes while the one-element state channel (taken as the work state) is 1. */
  onlyWorking: boolean;
  /** Keep only fixes while at least one element of the section state channel is 1. */
  onlySectionsOn: boolean;
}

/** How a header channel becomes a column. */
export interface ChannelColumn {
  /** Deere channel code (5.10.2.7.5.2), stable across the files of a run. */
  code: number;
  spec: ColumnSpec;
  /** Logged value × factor = column value. */
  factor: number;
}

/**
 * Channels identified with evidence (FORMAT.md, "Channel identification"); all others stay raw,
 * under `jd<code>`, with their declared Deere unit in the label.
 */
type Identify = (decl: ChannelDecl) => Omit<ChannelColumn, 'code'> | undefined;

const IDENTIFIED: ReadonlyMap<number, Identify> = new Map<number, Identify>([
  // DDI 99 Crop Moisture, ppm: mean 16.267 % against the export's 16.265 % (harvest sample).
  [6, (decl) => (decl.ddi === 99 && decl.unit === 'ppm' ? { spec: { key: 'moisture', label: 'Crop moisture (DDI 99)', kind: 'number', unit: 'percentage', standard: 'harvestMoisture' }, factor: 1e-4 } : undefined)],
  // DDI 2 Actual Volume Per Area Application Rate, logged in 0.01 mm³/m² (the ISO resolution): 9.964 gal/ac
  // at the export's timestamps against its 10.009 gal/ac (application sample, "Tank Mix Rate").
  [49, (decl) => (decl.ddi === 2 ? { spec: { key: 'appliedRate', label: 'Actual volume per area application rate (DDI 2)', kind: 'number', unit: 'mm3/m2', standard: 'appliedRate' }, factor: 0.01 } : undefined)],
  // DDI 1 Setpoint Volume Per Area Application Rate, same resolution: a constant 9,350 mm³/m² (9.995 gal/ac) in the 10 gal/ac run.
  [51, (decl) => (decl.ddi === 1 ? { spec: { key: 'appliedRateTarget', label: 'Setpoint volume per area application rate (DDI 1)', kind: 'number', unit: 'mm3/m2', standard: 'appliedRateTarget' }, factor: 0.01 } : undefined)],
]);

/** Columns for every numeric channel the sessions declare, identified ones with their standard property. */
export function planColumns(headers: readonly SessionHeader[]): ChannelColumn[] {
  const byCode = new Map<number, ChannelColumn>();
  for (const header of headers) {
    for (const decl of header.channels) {
      if (decl.code === undefined || byCode.has(decl.code)) continue;
      const known = IDENTIFIED.get(decl.code)?.(decl);
      if (known) {
        byCode.set(decl.code, { code: decl.code, ...known });
        continue;
      }
      const what = [decl.ddi !== undefined ? `DDI ${decl.ddi}` : undefined, decl.unit ? `logged in ${decl.unit}` : undefined].filter((s) => s !== undefined).join(', ');
      byCode.set(decl.code, { code: decl.code, spec: { key: `jd${decl.code}`, label: `Gen4 channel code ${decl.code}${what ? ` (${what}, not identified)` : ' (not identified)'}`, kind: 'number' }, factor: 1 });
    }
  }
  return [...byCode.values()].sort((a, b) => a.code - b.code);
}

/** Holds each channel's last value as fixes advance in time. */
class StepValues {
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

class StepState {
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

/** The state channel with one element is the machine's work state (FORMAT.md); undefined when a header has none. */
function workStateChannel(header: SessionHeader): number | undefined {
  for (const [id, elements] of header.stateChannels) if (elements === 1) return id;
  return undefined;
}

/** The first state channel with several elements: one per section (12 on the harvest header, 11 on the sprayer). */
function sectionStateChannel(header: SessionHeader): number | undefined {
  for (const [id, elements] of header.stateChannels) if (elements > 1) return id;
  return undefined;
}

export const WORK_STATE_KEY = 'workState';
/** How many elements of the section state channel are 1 at the fix. */
export const SECTIONS_ON_KEY = 'sectionsOn';

/** Streams the points of the given session files in time order, `BATCH_SIZE` at a time. */
export async function* runPoints(sessions: readonly SessionFile[], columns: readonly ChannelColumn[], options: PointOptions): AsyncGenerator<PointBatch> {
  const keys = [...columns.map((c) => c.spec.key), WORK_STATE_KEY, SECTIONS_ON_KEY];
  let batch = emptyBatch(BATCH_SIZE, keys);
  const ordered = [...sessions].sort((a, b) => (a.header.startTime ?? 0) - (b.header.startTime ?? 0));
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
    let lastSecond = -Infinity;
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
      for (let p = 0; p < time.length; p++) {
        const t = time[p]!;
        const second = Math.floor((t - start) / 1000);
        const values = columns.map((_, i) => steps[i]!.at(t));
        const state = work.at(t)?.[0];
        const sectionStates = sections.at(t);
        const sectionsOn = sectionStates ? sectionStates.filter((v) => v === 1).length : NaN;
        if (options.perSecond) {
          if (second <= lastSecond) continue;
          lastSecond = second;
        }
        if (options.onlyWorking && workId !== undefined && state !== 1) continue;
        if (options.onlySectionsOn && !(sectionsOn > 0)) continue;
        const n = batch.length;
        batch.time[n] = t;
        batch.lat[n] = lat[p]!;
        batch.lon[n] = lon[p]!;
        columns.forEach((column, i) => {
          batch.numbers.get(column.spec.key)![n] = values[i]! * column.factor;
        });
        batch.numbers.get(WORK_STATE_KEY)![n] = state ?? NaN;
        batch.numbers.get(SECTIONS_ON_KEY)![n] = sectionsOn;
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
