import type { Dimension } from '../../model/units.ts';
import type { ColumnSpec, CounterColumn, CounterQuantity } from '../types.ts';
import type { ChannelDecl, SessionHeader } from './header.ts';
import { gen4Unit, gen4UnitOf } from './units.ts';

/**
 * Which numeric channels of a Gen4 run become which columns (FORMAT.md, "Channel identification").
 * Values are logged integers; logged / declared divisor (.4) = the value in the declared unit
 * (.5), which Furrow takes as the column's unit whatever it is (seeds/ac or seeds/m², mm³/m² or
 * L/ha, …). A channel whose unit Furrow does not know keeps its values as logged ÷ divisor in a
 * raw column, with a warning, instead of refusing the run.
 */

/** How a header channel becomes a column. */
export interface ChannelColumn {
  /** Deere channel code (5.10.2.7.5.2), stable across the files of a run. */
  code: number;
  spec: ColumnSpec;
  /** Logged value × factor = column value. */
  factor: number;
  /** The machine's running total this channel is (ISO 11783-11 totals), reconciled with Furrow's figure. */
  counter?: CounterQuantity;
}

export const MASS_FLOW_CODE = 510;

/** A channel Furrow identifies with evidence: its column key, label and standard property, the dimensions its unit may have. */
interface Known {
  ddi: number;
  key: string;
  label: string;
  standard: NonNullable<ColumnSpec['standard']>;
  dimensions: readonly Dimension[];
  /** The ISO unit of the DDI, used when the channel declares none. */
  isoUnit: string;
  /** The ISO resolution, used when the channel declares no divisor. */
  isoResolution: number;
}

const IDENTIFIED: ReadonlyMap<number, Known> = new Map([
  // DDI 99 Crop Moisture, ppm: mean 16.27 % against the export's 16.27 % (harvest sample).
  [6, { ddi: 99, key: 'moisture', label: 'Crop moisture (DDI 99)', standard: 'harvestMoisture', dimensions: ['ratio'], isoUnit: 'ppm', isoResolution: 1 }],
  // DDI 87 Mass Per Time Yield, mg/s: with the distance per second and the 30 ft header it gives the export's WetMass (ratio 0.999).
  [MASS_FLOW_CODE, { ddi: 87, key: 'massFlow', label: 'Wet mass flow (DDI 87)', standard: 'cropFlow', dimensions: ['massPerTime'], isoUnit: 'mg/s', isoResolution: 1 }],
  // DDI 2 Actual Volume Per Area Application Rate, logged in 0.01 mm³/m² on the sample sprayer (divisor 100).
  [49, { ddi: 2, key: 'appliedRate', label: 'Actual volume per area application rate (DDI 2)', standard: 'appliedRate', dimensions: ['volumePerArea'], isoUnit: 'mm3/m2', isoResolution: 0.01 }],
  // DDI 1 Setpoint Volume Per Area Application Rate: a constant 9,350 mm³/m² (9.995 gal/ac) in the 10 gal/ac run.
  [51, { ddi: 1, key: 'appliedRateTarget', label: 'Setpoint volume per area application rate (DDI 1)', standard: 'appliedRateTarget', dimensions: ['volumePerArea'], isoUnit: 'mm3/m2', isoResolution: 0.01 }],
]);

/**
 * ISO 11783-11 running totals a Gen4 channel may carry, by DDI: the machine's own figure for the
 * reconciliation. DDI 351 is the one the samples log (code 69, ml): its growth over "Tank Mix
 * Rate" is 1,801,700 ml = 475.96 gal, the display's Work Totals screen for the run (475.96 gal),
 * and over "Single Product Rx" 590,000 ml = 155.86 gal (screen: 155.86 gal).
 */
const TOTALS: ReadonlyMap<number, { quantity: CounterQuantity; name: string; isoUnit: string; dimension: Dimension }> = new Map([
  [80, { quantity: 'appliedVolume', name: 'Application Total Volume', isoUnit: 'L', dimension: 'volume' }],
  [81, { quantity: 'appliedMass', name: 'Application Total Mass', isoUnit: 'kg', dimension: 'mass' }],
  [82, { quantity: 'appliedCount', name: 'Application Total Count', isoUnit: 'count', dimension: 'count' }],
  [89, { quantity: 'yieldVolume', name: 'Yield Total Volume', isoUnit: 'L', dimension: 'volume' }],
  [90, { quantity: 'yieldMass', name: 'Yield Total Mass', isoUnit: 'kg', dimension: 'mass' }],
  [116, { quantity: 'area', name: 'Total Area', isoUnit: 'm2', dimension: 'area' }],
  [117, { quantity: 'distance', name: 'Effective Total Distance', isoUnit: 'mm', dimension: 'length' }],
  [119, { quantity: 'time', name: 'Effective Total Time', isoUnit: 's', dimension: 'time' }],
  [148, { quantity: 'fuel', name: 'Total Fuel Consumption', isoUnit: 'ml', dimension: 'volume' }],
  [351, { quantity: 'appliedVolume', name: 'Application Total Volume', isoUnit: 'ml', dimension: 'volume' }],
]);

/** Logged / divisor = value in the declared unit; without a divisor, the ISO resolution applies. */
function factorOf(decl: ChannelDecl, isoResolution = 1): number {
  return decl.divisor !== undefined ? 1 / decl.divisor : isoResolution;
}

export interface ChannelPlan {
  channels: ChannelColumn[];
  /** Channels whose declared unit Furrow does not know, said once per channel. */
  warnings: string[];
}

/** Columns for every numeric channel the sessions declare, identified ones with their standard property in their declared unit. */
export function planColumns(headers: readonly SessionHeader[]): ChannelPlan {
  const byCode = new Map<number, ChannelColumn>();
  const warnings: string[] = [];
  for (const header of headers) {
    for (const decl of header.channels) {
      if (decl.code === undefined || byCode.has(decl.code)) continue;
      const known = IDENTIFIED.get(decl.code);
      if (known && decl.ddi === known.ddi && !decl.offset) {
        const unit = decl.unit === undefined ? known.isoUnit : gen4UnitOf(decl.unit, known.dimensions);
        if (unit) {
          byCode.set(decl.code, { code: decl.code, spec: { key: known.key, label: `${known.label}${decl.unit ? `, declared in ${decl.unit}` : ''}`, kind: 'number', unit, standard: known.standard }, factor: factorOf(decl, known.isoResolution) });
          continue;
        }
        warnings.push(`${known.label} is declared in "${decl.unit}", a unit Furrow does not know: its values are kept as logged ÷ divisor in the raw column jd${decl.code}, and no ${known.standard} is derived from it`);
      }
      const total = decl.ddi === undefined ? undefined : TOTALS.get(decl.ddi);
      const totalUnit = total && (decl.unit === undefined ? total.isoUnit : gen4UnitOf(decl.unit, [total.dimension]));
      if (total && totalUnit && !decl.offset) {
        byCode.set(decl.code, {
          code: decl.code,
          spec: { key: `jd${decl.code}`, label: `${total.name} (DDI ${decl.ddi}, Gen4 channel code ${decl.code}): the machine's running total`, kind: 'number', unit: totalUnit },
          factor: factorOf(decl),
          counter: total.quantity,
        });
        continue;
      }
      byCode.set(decl.code, rawColumn(decl, decl.code));
    }
  }
  return { channels: [...byCode.values()].sort((a, b) => a.code - b.code), warnings };
}

/** A channel not identified: its values ÷ the declared divisor, in its declared unit when Furrow knows it. */
function rawColumn(decl: ChannelDecl, code: number): ChannelColumn {
  // With a non-zero offset (.3) the formula is unknown, so the value stays as logged.
  const scaled = decl.divisor !== undefined && !decl.offset;
  const unit = scaled ? gen4Unit(decl.unit) : undefined;
  const what = [decl.ddi !== undefined ? `DDI ${decl.ddi}` : undefined, decl.unit ? `${scaled ? 'in' : 'logged in 1/divisor of'} ${decl.unit}` : undefined].filter((s) => s !== undefined).join(', ');
  return {
    code,
    spec: { key: `jd${code}`, label: `Gen4 channel code ${code}${what ? ` (${what}, not identified)` : ' (not identified)'}`, kind: 'number', ...(unit ? { unit } : {}) },
    factor: scaled ? 1 / decl.divisor! : 1,
  };
}

/** The running totals among the channels, for OperationMeta.counters. */
export function counterColumns(channels: readonly ChannelColumn[]): CounterColumn[] {
  return channels
    .filter((c) => c.counter !== undefined && c.spec.unit !== undefined)
    .map((c) => ({ quantity: c.counter!, keys: [c.spec.key], unit: c.spec.unit!, label: c.spec.label.replace(/: the machine's running total$/, '') }));
}
