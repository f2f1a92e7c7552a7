import type { StandardProperty } from '../../model/properties.ts';
import { converter, unit as unitDef } from '../../model/units.ts';
import type { TimeLogInfo } from './plan.ts';
import { decodeTimeLog, TimeLogDecoder } from './timelog.ts';

/*
 * Which reading of a raw value to use when the ISO 11783-11 dictionary and the device's value
 * presentation (DVP) disagree about what one raw step is (presentation-check.ts flags a 3× or larger
 * disagreement). The dictionary is what the DDI means everywhere and stays the default; but some
 * devices log in the unit they present, not in the dictionary's (the KRONE baler logs crop moisture
 * 0x0063 in 0.1 % steps where the dictionary has 1 ppm: 136 is 13.6 %, not 0.0136 %). For a column
 * that feeds a standard property with a plausible range, the values decide:
 *
 * 1. A reading "falls in the range" when more than half of the operation's points with a non-zero
 *    value (carried forward, as the outputs carry it) lie within it by that reading. When exactly
 *    one of the two readings does, it is used.
 * 2. When both or neither do, a rate (or setpoint) is checked against the machine's own counters
 *    where the element or one of its parents logs them: the application total (0x0050 volume,
 *    0x0051 mass, 0x0052 count) over the total area (0x0074), each max − min over the operation
 *    and read by the dictionary, is the mean rate the machine metered. The reading whose mean is
 *    nearer it (by ratio) is used when it is within 3× of it; readings that disagree by 10× or more
 *    cannot both be.
 * 3. Otherwise the dictionary is kept.
 * Either way the operation carries a warning saying which reading was used and why.
 *
 * Each column is judged on its own values: a controller may log its actual rate in its
 * presentation's unit and its setpoint in the dictionary's (the CNH sprayer's bin logs 0x0002 in
 * 0.01 L/ha steps, 344 L/ha, and 0x0001 in 0.01 mm³/m² steps, 374 L/ha, under one DVP; its counters
 * give 685 L over 1.861 ha = 368 L/ha).
 *
 * The ranges are wide on purpose: they are to tell readings apart by powers of ten (the samples
 * disagree 10×, 100× and 1000×), not to judge the work. Sources: farm practice for what is applied,
 * sown, harvested and how wide machines are.
 */

interface RangeRule {
  properties: readonly StandardProperty[];
  unit: string;
  min: number;
  max: number;
}

const RANGES: readonly RangeRule[] = [
  // Grain is not harvested below ~8 % water nor forage above ~80 %; 1 % leaves room for dry straw.
  { properties: ['harvestMoisture'], unit: 'percentage', min: 1, max: 80 },
  // From a single row unit (~0.1 m) to the widest booms (~55 m).
  { properties: ['equipmentWidth'], unit: 'm', min: 0.1, max: 60 },
  // Volume: ultra-low-volume sprays (~0.5 L/ha, down to 0.1) to slurry (tens of m³/ha, up to 200 m³/ha).
  { properties: ['appliedRate', 'appliedRateTarget'], unit: 'L/ha', min: 0.1, max: 200_000 },
  // Mass: micro-granules (~1 kg/ha, down to 0.1) to manure and compost (up to 200 t/ha).
  { properties: ['appliedRate', 'appliedRateTarget'], unit: 'kg/ha', min: 0.1, max: 200_000 },
  // Seed by count: trees and cassava cuttings (~1 000/ha) to fine grass seed (hundreds of millions per ha).
  { properties: ['seedRate', 'seedRateTarget'], unit: 'seeds/ha', min: 1_000, max: 1_000_000_000 },
  // Seed by mass or volume: grass and rape (~2 kg/ha, down to 0.5) to seed potatoes (~4 t/ha, up to 5 t/ha).
  { properties: ['seedRate', 'seedRateTarget'], unit: 'kg/ha', min: 0.5, max: 5_000 },
  { properties: ['seedRate', 'seedRateTarget'], unit: 'L/ha', min: 0.5, max: 5_000 },
];

export interface PlausibleRange {
  unit: string;
  min: number;
  max: number;
}

/** The plausible range of a standard property for a column in this unit; undefined when Furrow has none. */
export function plausibleRange(property: StandardProperty, columnUnit: string | undefined): PlausibleRange | undefined {
  if (!columnUnit) return undefined;
  const dimension = unitDef(columnUnit).dimension;
  const rule = RANGES.find((r) => r.properties.includes(property) && unitDef(r.unit).dimension === dimension);
  return rule && { unit: rule.unit, min: rule.min, max: rule.max };
}

/** A column whose two readings disagree and which feeds a standard property with a plausible range. */
export interface ReadingQuestion {
  key: string;
  property: StandardProperty;
  /** Unit code of the column (the dictionary's). */
  unit: string;
  /** Value in `unit` of one raw step by the dictionary and by the device's presentation. */
  dictionaryScale: number;
  deviceScale: number;
  /** The disagreement in words (`0x0063 Crop Moisture: the device presents …`). */
  text: string;
  deviceElementId: string;
  range: PlausibleRange;
  /** The machine's counters of the same element or a parent that give the mean rate it metered (rates and setpoints only). */
  totals?: MachineTotals;
}

/** Columns of an application total (volume, mass or count) and of the total area, with their dictionary scales and units. */
export interface MachineTotals {
  amountKey: string;
  amountScale: number;
  amountUnit: string;
  areaKey: string;
  areaScale: number;
  areaUnit: string;
}

/**
 * Over the operation's points: how many carry a non-zero value, how many of those are in range by
 * each reading (questions only), the sum of their raw values, and the smallest and largest raw value.
 */
export interface ReadingCounts {
  values: number;
  dictionaryIn: number;
  deviceIn: number;
  rawSum: number;
  rawMin: number;
  rawMax: number;
}

export function emptyCounts(): ReadingCounts {
  return { values: 0, dictionaryIn: 0, deviceIn: 0, rawSum: 0, rawMin: Infinity, rawMax: -Infinity };
}

export interface ReadingDecision {
  useDevice: boolean;
  warning: string;
}

/** How far (as a ratio) a reading's mean may be from the machine's counters and still agree with them. */
const TOTALS_AGREE = 3;

/**
 * Decides one question from its counts and, for rates, the counts of the machine's totals (see the
 * rules at the top of this file).
 */
export function decideReading(question: ReadingQuestion, counts: ReadingCounts, totals?: { amount: ReadingCounts; area: ReadingCounts }): ReadingDecision {
  const { range, property } = question;
  const shown = unitText(range.unit);
  const where = `${question.text} (${question.deviceElementId})`;
  if (counts.values === 0) {
    return { useDevice: false, warning: `${where}; no point has a non-zero value to judge the two readings by, so values follow the dictionary` };
  }
  const toRange = converter(question.unit, range.unit);
  const meanOf = (scale: number) => toRange((counts.rawSum / counts.values) * scale);
  const [dictionaryMean, deviceMean] = [meanOf(question.dictionaryScale), meanOf(question.deviceScale)];
  const dictionaryOk = counts.dictionaryIn * 2 > counts.values;
  const deviceOk = counts.deviceIn * 2 > counts.values;
  const figures =
    `by the dictionary ${counts.dictionaryIn} and by the device's presentation ${counts.deviceIn} of ${counts.values} non-zero values ` +
    `lie within the plausible ${property} of ${format(range.min)}–${format(range.max)} ${shown} (means ${format(dictionaryMean)} and ${format(deviceMean)} ${shown})`;
  if (deviceOk && !dictionaryOk) return { useDevice: true, warning: `${where}; ${figures}: only the device's reading is plausible, so values follow the device's presentation` };
  if (dictionaryOk && !deviceOk) return { useDevice: false, warning: `${where}; ${figures}: only the dictionary's reading is plausible, so values follow the dictionary` };
  const both = dictionaryOk ? 'both readings are plausible' : 'neither reading is plausible';

  const metered = question.totals && totals ? meteredRate(question.totals, totals, range.unit) : undefined;
  if (metered !== undefined) {
    const off = (mean: number) => Math.max(mean / metered, metered / mean);
    const useDevice = off(deviceMean) < off(dictionaryMean);
    const nearest = useDevice ? deviceMean : dictionaryMean;
    const counters = `the machine's counters ${question.totals!.amountKey} over ${question.totals!.areaKey} give ${format(metered)} ${shown}`;
    if (off(nearest) <= TOTALS_AGREE) {
      return { useDevice, warning: `${where}; ${figures}: ${both}; ${counters}, which only the ${useDevice ? "device's" : "dictionary's"} reading agrees with, so values follow ${useDevice ? "the device's presentation" : 'the dictionary'}` };
    }
    return { useDevice: false, warning: `${where}; ${figures}: ${both}, and ${counters}, which neither agrees with within ${TOTALS_AGREE}×; values follow the dictionary, which is what the DDI means; check them against what the terminal showed` };
  }
  return { useDevice: false, warning: `${where}; ${figures}: ${both}, so values follow the dictionary, which is what the DDI means; check them against what the terminal showed` };
}

/** Application total over total area (each max − min, by the dictionary) in `unit`; undefined when either did not grow. */
function meteredRate(columns: MachineTotals, totals: { amount: ReadingCounts; area: ReadingCounts }, unit: string): number | undefined {
  const grown = (c: ReadingCounts, scale: number) => (c.rawMax > c.rawMin ? (c.rawMax - c.rawMin) * scale : NaN);
  const amount = grown(totals.amount, columns.amountScale) * unitDef(columns.amountUnit).factor;
  const area = grown(totals.area, columns.areaScale) * unitDef(columns.areaUnit).factor;
  const rate = amount / area / unitDef(unit).factor;
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

export type OpenBinary = (log: TimeLogInfo) => Promise<AsyncIterable<Uint8Array | string>>;

/**
 * Counts, over one timelog's points, the values of the given columns it logs (the questioned ones
 * and the counters that check them), and for questions how many fall in range by each reading. One
 * pass decoding only those columns.
 */
export async function countReadings(log: TimeLogInfo, keys: readonly string[], questions: readonly ReadingQuestion[], open: OpenBinary): Promise<Map<string, ReadingCounts>> {
  const columnKeys = keys.filter((key) => log.columns.some((c) => c.key === key));
  const counts = new Map(columnKeys.map((key) => [key, emptyCounts()]));
  if (columnKeys.length === 0) return counts;
  const n = log.columns.length;
  const column = new Int32Array(n).fill(-1);
  for (const c of log.columns) column[c.index] = columnKeys.indexOf(c.key);
  const decoder = new TimeLogDecoder({
    fileName: `${log.name}.BIN`,
    header: log.header,
    columnKeys,
    // Raw integers: both readings are a scale away from them.
    values: { column, scale: new Float64Array(n).fill(1), offset: new Float64Array(n) },
    positionColumns: {},
  });
  const judged = columnKeys.map((key) => {
    const q = questions.find((x) => x.key === key);
    if (!q) return undefined;
    const fromRange = converter(q.range.unit, q.unit);
    return { lo: fromRange(q.range.min), hi: fromRange(q.range.max), q };
  });
  for await (const batch of decodeTimeLog(await open(log), decoder)) {
    columnKeys.forEach((key, k) => {
      const values = batch.numbers.get(key)!;
      const c = counts.get(key)!;
      const judge = judged[k];
      for (let i = 0; i < batch.length; i++) {
        const raw = values[i]!;
        if (!Number.isFinite(raw)) continue;
        if (raw < c.rawMin) c.rawMin = raw;
        if (raw > c.rawMax) c.rawMax = raw;
        if (raw === 0) continue;
        c.values++;
        c.rawSum += raw;
        if (!judge) continue;
        const byDictionary = raw * judge.q.dictionaryScale;
        const byDevice = raw * judge.q.deviceScale;
        if (byDictionary >= judge.lo && byDictionary <= judge.hi) c.dictionaryIn++;
        if (byDevice >= judge.lo && byDevice <= judge.hi) c.deviceIn++;
      }
    });
  }
  return counts;
}

/** Adds the counts of one timelog to a running total (counters span timelogs: their range is over all of them). */
export function addCounts(total: ReadingCounts, more: ReadingCounts): void {
  total.values += more.values;
  total.dictionaryIn += more.dictionaryIn;
  total.deviceIn += more.deviceIn;
  total.rawSum += more.rawSum;
  total.rawMin = Math.min(total.rawMin, more.rawMin);
  total.rawMax = Math.max(total.rawMax, more.rawMax);
}

function unitText(code: string): string {
  return code === 'percentage' ? '%' : code;
}

/** Three significant digits; whole numbers from 1 000 up, grouped by spaces: `0.0136`, `13.6`, `3 541`. */
function format(x: number): string {
  if (Math.abs(x) >= 1000) return Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return Number(x.toPrecision(3)).toString();
}
