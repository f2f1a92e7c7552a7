/**
 * Unit codes and conversions. Every numeric value in Furrow carries one of these codes; all
 * conversions happen here (DESIGN.md "Units are data").
 *
 * Codes are Leaf's where Leaf has one (leaf-api.md §5: `mi/hr`, `arcdeg`, `prcnt`, `floz`, ...)
 * and ASCII spellings of the ISO 11783-11 dictionary units otherwise (`mm3/m2` for `mm³/m²`).
 */

export type Dimension =
  | 'length'
  | 'area'
  | 'speed'
  | 'mass'
  | 'volume'
  | 'count'
  | 'massPerArea'
  | 'volumePerArea'
  | 'countPerArea'
  | 'massPerTime'
  | 'volumePerTime'
  | 'countPerTime'
  | 'areaPerTime'
  | 'volumePerLength'
  | 'massPerVolume'
  | 'volumePerMass'
  | 'ratio'
  | 'angle'
  | 'force'
  | 'torque'
  | 'pressure'
  | 'time'
  | 'frequency'
  | 'temperature'
  | 'power'
  | 'energy'
  | 'energyPerArea'
  | 'voltage'
  | 'current'
  | 'resistance';

export interface UnitDef {
  code: string;
  dimension: Dimension;
  /** value in the dimension's base unit = value × factor (+ offset). Bases are SI (m, m², kg, m³, s, K...), percent for ratios, degrees for angles. */
  factor: number;
  offset?: number;
  /**
   * A unit a farmer reads and Leaf writes in its outputs. False for controller units such as
   * ISOXML's mg/m² or ppm, which the `default` unit system converts to a readable metric unit.
   */
  readable: boolean;
}

/**
 * An exact rational n/d (d > 0). Factors are composed exactly (gal/ac = 231 in³ / 43 560 ft²) and
 * rounded to a double once per factor, so that e.g. 1 ac → ha gives exactly 0.40468564224 and
 * 100 mg/m² → kg/ha exactly 1, which chained floating-point products do not.
 */
type Exact = readonly [bigint, bigint];

const ONE: Exact = [1n, 1n];

function dec(text: string): Exact {
  const [whole, fraction = ''] = text.split('.');
  return [BigInt(whole + fraction), 10n ** BigInt(fraction.length)];
}

function mul(...factors: Exact[]): Exact {
  return factors.reduce(([n1, d1], [n2, d2]) => [n1 * n2, d1 * d2], ONE);
}

function div([n1, d1]: Exact, [n2, d2]: Exact): Exact {
  return n2 < 0n ? [-n1 * d2, -d1 * n2] : [n1 * d2, d1 * n2];
}

function sub([n1, d1]: Exact, [n2, d2]: Exact): Exact {
  return [n1 * d2 - n2 * d1, d1 * d2];
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** The double nearest to n/d (round half to even), as IEEE 754 division would give for exact operands. */
function toNumber([n, d]: Exact): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  const a = negative ? -n : n;
  // Scale so that the integer quotient has 55 or 56 bits: 53 to keep, the rest to round on.
  const shift = 55 - (bitLength(a) - bitLength(d));
  const num = shift >= 0 ? a << BigInt(shift) : a;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const q = num / den;
  const sticky = num % den !== 0n;
  const extra = bitLength(q) - 53;
  let kept = q >> BigInt(extra);
  const dropped = q & ((1n << BigInt(extra)) - 1n);
  const half = 1n << BigInt(extra - 1);
  if (dropped > half || (dropped === half && (sticky || (kept & 1n) === 1n))) kept += 1n;
  const value = Number(kept) * 2 ** (extra - shift);
  return negative ? -value : value;
}

// International yard and pound agreement (1959): 1 yd = 0.9144 m, 1 lb = 0.45359237 kg exactly.
// The US survey foot (1200/3937 m) that older acres used was retired by NIST on 2023-01-01.
const FOOT = dec('0.3048');
const INCH = div(FOOT, dec('12'));
const MILE = mul(FOOT, dec('5280'));
const ACRE = mul(FOOT, FOOT, dec('43560'));
const POUND = dec('0.45359237');
// US customary liquid gallon: 231 in³ = 3.785411784 L; quart = gal/4, fluid ounce = gal/128.
const GALLON = mul(INCH, INCH, INCH, dec('231'));
// US (Winchester) bushel: 2150.42 in³ = 0.03523907016688 m³; Leaf's crop densities are lb per this bushel.
const BUSHEL = mul(INCH, INCH, INCH, dec('2150.42'));
// Standard gravity (3rd CGPM, 1901) defines kgf; lbf = lb × g_n = 4.4482216152605 N.
const STANDARD_GRAVITY = dec('9.80665');
const HOUR = dec('3600');
const LITRE = dec('0.001');
const HECTARE = dec('10000');

interface ExactUnit {
  def: UnitDef;
  factor: Exact;
  offset: Exact;
}

const TABLE = new Map<string, ExactUnit>();

function define(code: string, dimension: Dimension, factor: Exact, readable: boolean, offset: Exact = [0n, 1n]): void {
  const def: UnitDef = { code, dimension, factor: toNumber(factor), readable };
  if (offset[0] !== 0n) def.offset = toNumber(offset);
  TABLE.set(code, { def: Object.freeze(def), factor, offset });
}

const R = true; // readable
const C = false; // controller unit, converted in the `default` system

define('m', 'length', ONE, R);
define('ft', 'length', FOOT, R);
define('in', 'length', INCH, R);
define('cm', 'length', dec('0.01'), R);
define('mm', 'length', dec('0.001'), C);
define('mi', 'length', MILE, R);
define('km', 'length', dec('1000'), R);

define('m2', 'area', ONE, R);
define('ft2', 'area', mul(FOOT, FOOT), R);
define('ac', 'area', ACRE, R);
define('ha', 'area', HECTARE, R);

define('m/s', 'speed', ONE, R);
define('ft/s', 'speed', FOOT, R);
define('mi/hr', 'speed', div(MILE, HOUR), R);
define('km/h', 'speed', div(dec('1000'), HOUR), R);
define('mm/s', 'speed', dec('0.001'), C);

define('arcdeg', 'angle', ONE, R);

define('count', 'count', ONE, R);
define('seeds', 'count', ONE, R);

define('seeds/m2', 'countPerArea', ONE, C);
define('seeds/ac', 'countPerArea', div(ONE, ACRE), R);
define('seeds/ha', 'countPerArea', div(ONE, HECTARE), R);

define('seeds/s', 'countPerTime', ONE, R);

define('N', 'force', ONE, R);
define('kgf', 'force', STANDARD_GRAVITY, R);
define('lbf', 'force', mul(POUND, STANDARD_GRAVITY), R);

define('N*m', 'torque', ONE, R);

// Ratios in percent, the unit every Leaf output uses; `prcnt` and `percentage` both appear in Leaf's samples.
define('percentage', 'ratio', ONE, R);
define('prcnt', 'ratio', ONE, R);
define('%', 'ratio', ONE, C);
define('ppm', 'ratio', dec('0.0001'), C);
define('mg/kg', 'ratio', dec('0.0001'), C);
define('mm3/m3', 'ratio', dec('0.0000001'), C);

define('m3', 'volume', ONE, R);
define('L', 'volume', LITRE, R);
define('ml', 'volume', dec('0.000001'), C);
define('mm3', 'volume', dec('0.000000001'), C);
define('gal', 'volume', GALLON, R);
define('qt', 'volume', div(GALLON, dec('4')), R);
define('floz', 'volume', div(GALLON, dec('128')), R);
define('bu', 'volume', BUSHEL, R);

define('m3/ha', 'volumePerArea', div(ONE, HECTARE), R);
define('L/ha', 'volumePerArea', div(LITRE, HECTARE), R);
// John Deere GS2/GS3 metric logs give sprayer rates in ml/ha.
define('ml/ha', 'volumePerArea', div(dec('0.000001'), HECTARE), R);
define('ml/m2', 'volumePerArea', dec('0.000001'), C);
define('mm3/m2', 'volumePerArea', dec('0.000000001'), C);
define('gal/ac', 'volumePerArea', div(GALLON, ACRE), R);
define('qt/ac', 'volumePerArea', div(GALLON, mul(dec('4'), ACRE)), R);
define('floz/ac', 'volumePerArea', div(GALLON, mul(dec('128'), ACRE)), R);
define('bu/ac', 'volumePerArea', div(BUSHEL, ACRE), R);

define('kg', 'mass', ONE, R);
define('g', 'mass', dec('0.001'), C);
define('mg', 'mass', dec('0.000001'), C);
define('t', 'mass', dec('1000'), R);
define('lb', 'mass', POUND, R);

define('kg/ha', 'massPerArea', div(ONE, HECTARE), R);
define('t/ha', 'massPerArea', div(dec('1000'), HECTARE), R);
define('mg/m2', 'massPerArea', dec('0.000001'), C);
define('lb/ac', 'massPerArea', div(POUND, ACRE), R);

define('kg/s', 'massPerTime', ONE, R);
define('lb/s', 'massPerTime', POUND, R);
define('mg/s', 'massPerTime', dec('0.000001'), C);
define('t/h', 'massPerTime', div(dec('1000'), HOUR), R);
define('kg/h', 'massPerTime', div(ONE, HOUR), R);

define('m3/s', 'volumePerTime', ONE, R);
define('L/s', 'volumePerTime', LITRE, R);
define('L/h', 'volumePerTime', div(LITRE, HOUR), R);
define('ml/s', 'volumePerTime', dec('0.000001'), C);
define('mm3/s', 'volumePerTime', dec('0.000000001'), C);
define('bu/s', 'volumePerTime', BUSHEL, R);
define('bu/h', 'volumePerTime', div(BUSHEL, HOUR), R);

define('mm2/s', 'areaPerTime', dec('0.000001'), C);
define('ac/h', 'areaPerTime', div(ACRE, HOUR), R);
define('ha/h', 'areaPerTime', div(HECTARE, HOUR), R);
define('ml/m', 'volumePerLength', dec('0.000001'), C);
define('mg/L', 'massPerVolume', div(dec('0.000001'), LITRE), C);
define('mm3/kg', 'volumePerMass', dec('0.000000001'), C);

define('s', 'time', ONE, R);
define('ms', 'time', dec('0.001'), C);
define('h', 'time', HOUR, R);

define('Hz', 'frequency', ONE, R);
define('rpm', 'frequency', div(ONE, dec('60')), R);

// Base kelvin; ISOXML logs temperatures in mK, people read °C.
define('mK', 'temperature', dec('0.001'), C);
define('degC', 'temperature', ONE, R, dec('273.15'));
// K = (°F + 459.67) × 5/9.
define('degF', 'temperature', div(dec('5'), dec('9')), R, mul(dec('459.67'), div(dec('5'), dec('9'))));

define('Pa', 'pressure', ONE, R);
define('W', 'power', ONE, R);
define('kWh', 'energy', dec('3600000'), R);
define('kWh/m2', 'energyPerArea', dec('3600000'), R);
define('V', 'voltage', ONE, R);
define('A', 'current', ONE, R);
define('Ohm', 'resistance', ONE, R);

// John Deere Gen4 channels declare these (l1min-1 flow rates, kPa pressures, min intervals).
define('L/min', 'volumePerTime', div(LITRE, dec('60')), R);
define('kPa', 'pressure', dec('1000'), R);
define('min', 'time', dec('60'), R);

/** Every unit code, in definition order. */
export const UNITS: ReadonlyMap<string, UnitDef> = new Map([...TABLE].map(([code, u]) => [code, u.def]));

export function isUnit(code: string): boolean {
  return TABLE.has(code);
}

function exactUnit(code: string): ExactUnit {
  const u = TABLE.get(code);
  if (!u) throw new Error(`unknown unit code "${code}"`);
  return u;
}

export function unit(code: string): UnitDef {
  return exactUnit(code).def;
}

/**
 * Multiplies by an exact ratio: by an integer, or divides by one, when the ratio or its inverse is
 * whole (mm → m is ÷ 1000, not × 0.001, so 3 mm gives 0.003 exactly), else by the nearest double.
 */
function scaler([n, d]: Exact): (v: number) => number {
  if (n % d === 0n) {
    const k = toNumber([n / d, 1n]);
    return k === 1 ? (v) => v : (v) => v * k;
  }
  if (d % n === 0n) {
    const k = toNumber([d / n, 1n]);
    return (v) => v / k;
  }
  const k = toNumber([n, d]);
  return (v) => v * k;
}

/** A conversion function, built once per column and called per point; throws when the dimensions differ. */
export function converter(from: string, to: string): (v: number) => number {
  const a = exactUnit(from);
  const b = exactUnit(to);
  if (a.def.dimension !== b.def.dimension) {
    throw new Error(`cannot convert ${from} (${a.def.dimension}) to ${to} (${b.def.dimension})`);
  }
  // to = (from × fa + oa − ob) / fb
  const ratio = div(a.factor, b.factor);
  const scale = scaler(ratio);
  const offset = sub(a.offset, b.offset);
  if (offset[0] === 0n) return scale;
  // Add the shift in the finer of the two units, where it is whole for mK ↔ °C, so that
  // 293150 mK gives 20 °C exactly rather than 293.15 − 273.15.
  if (ratio[0] >= ratio[1]) {
    const shift = toNumber(div(offset, b.factor));
    return (v) => scale(v) + shift;
  }
  const shift = toNumber(div(offset, a.factor));
  return (v) => scale(v + shift);
}

export function convert(value: number, from: string, to: string): number {
  return converter(from, to)(value);
}

/**
 * ISO 11783-11 dictionary unit text (ddi.tsv `unit` column) → unit code. `0.00%` is the
 * dictionary's way of writing percent (the resolution column carries the scaling). `/m²` and `/s`
 * are counts per area and time, i.e. seeds for the seeding DDIs that use them.
 */
const ISO_DICTIONARY_UNITS: ReadonlyMap<string, string> = new Map([
  ['mm³/m²', 'mm3/m2'],
  ['mg/m²', 'mg/m2'],
  ['ml/m²', 'ml/m2'],
  ['/m²', 'seeds/m2'],
  ['mm³/s', 'mm3/s'],
  ['mg/s', 'mg/s'],
  ['ml/s', 'ml/s'],
  ['/s', 'seeds/s'],
  ['kg/h', 'kg/h'],
  ['mm²/s', 'mm2/s'],
  ['mm', 'mm'],
  ['m', 'm'],
  ['mm/s', 'mm/s'],
  ['m²', 'm2'],
  ['ppm', 'ppm'],
  ['0.00%', 'percentage'],
  ['mg/kg', 'mg/kg'],
  ['mm³/m³', 'mm3/m3'],
  ['#', 'count'],
  ['kg', 'kg'],
  ['g', 'g'],
  ['L', 'L'],
  ['ml', 'ml'],
  ['ml/m', 'ml/m'],
  ['mg/l', 'mg/L'],
  ['mm³/kg', 'mm3/kg'],
  ['s', 's'],
  ['ms', 'ms'],
  ['h', 'h'],
  ['°', 'arcdeg'],
  ['mK', 'mK'],
  ['Pa', 'Pa'],
  ['N', 'N'],
  ['N*m', 'N*m'],
  ['r/min', 'rpm'],
  ['Hz', 'Hz'],
  ['W', 'W'],
  ['kWh', 'kWh'],
  ['kWh/m²', 'kWh/m2'],
  ['V', 'V'],
  ['A', 'A'],
  ['Ohm', 'Ohm'],
]);

/**
 * The unit code for a dictionary unit text; undefined for unknown texts and for the unit-less
 * ones (`n.a.`, empty), which is how `ColumnSpec.unit` marks values without a unit.
 * `ml/1000` and `mg/1000` (volume and mass per thousand seeds, a seed-lot property) have no
 * code here: nothing a reader logs per point is expressed in them.
 */
export function isoDictionaryUnit(text: string): string | undefined {
  return ISO_DICTIONARY_UNITS.get(text.trim());
}

/** Codes of the US customary units; the others with a dimension of their own are metric (SI and its usual multiples). */
const IMPERIAL = new Set(['ft', 'in', 'mi', 'ft2', 'ac', 'ft/s', 'mi/hr', 'seeds/ac', 'lbf', 'gal', 'qt', 'floz', 'bu', 'gal/ac', 'qt/ac', 'floz/ac', 'bu/ac', 'lb', 'lb/ac', 'lb/s', 'bu/s', 'bu/h', 'ac/h', 'degF']);
/** Dimensions whose units are the same in both systems (percent, degrees, counts, seconds, …). */
const SYSTEMLESS: ReadonlySet<Dimension> = new Set(['ratio', 'angle', 'count', 'time', 'frequency', 'countPerTime']);

/** The unit system a unit belongs to; undefined for units both systems share and for unknown codes. */
export function unitSystemOf(code: string): 'imperial' | 'metric' | undefined {
  const def = UNITS.get(code);
  if (!def || SYSTEMLESS.has(def.dimension)) return undefined;
  return IMPERIAL.has(code) ? 'imperial' : 'metric';
}
