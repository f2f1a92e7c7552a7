import type { PointBatch } from '../model/batch.ts';
import type { OperationType } from '../model/operations.ts';
import type { UnitSystem } from '../model/properties.ts';
import { summaryUnit } from '../model/properties.ts';
import { converter, unit as unitDef, type Dimension } from '../model/units.ts';
import type { CounterColumn, CounterQuantity, OperationMeta } from '../formats/types.ts';
import type { StandardBatch } from './standardize.ts';

/*
 * The reconciliation report: for every total the machine kept (a running counter logged point by
 * point, or a total the file states), the machine's figure beside Furrow's own over the same
 * points, in one unit, and the difference. It is what a farmer checks first: the hectares, litres
 * and tonnes the cab display showed.
 */

/** A difference beyond this share is worth a warning on the file. */
export const RECONCILIATION_TOLERANCE_PERCENT = 3;

export interface Figure {
  value: number;
  unit: string;
}

export interface ReconciliationRow {
  quantity: CounterQuantity;
  /** Where the machine's figure comes from. */
  source: string;
  machine: Figure;
  /** Furrow's figure over the same points; null when Furrow computes none for this quantity. */
  furrow: Figure | null;
  /** (Furrow − machine) / machine × 100, rounded to 0.01; null without a Furrow figure or when the machine's is 0. */
  differencePercent: number | null;
}

/**
 * How a counter grows. It counts each rise above the highest value seen; a fall to near 0 is a
 * restart (the counter was reset and grew again from 0), a fall by more than half its range a wrap
 * of its 32-bit register, and any other fall a glitch that counts nothing until the counter is back
 * above its peak (the CNH spreader's area counter drops from 8 231 to 3 936 m² when it is switched off).
 */
class CounterGrowth {
  private readonly peak: number[];
  growth = 0;
  logged = false;

  constructor(private readonly counter: CounterColumn) {
    this.peak = counter.keys.map(() => NaN);
  }

  add(batch: PointBatch): void {
    this.counter.keys.forEach((key, k) => {
      const values = batch.numbers.get(key);
      if (!values) return;
      let peak = this.peak[k]!;
      for (let i = 0; i < batch.length; i++) {
        const v = values[i]!;
        if (Number.isNaN(v)) continue;
        this.logged = true;
        if (Number.isNaN(peak) || v === peak) peak = v;
        else if (v > peak) {
          this.growth += v - peak;
          peak = v;
        } else if (this.counter.modulus !== undefined && peak - v > this.counter.modulus / 2) {
          this.growth += this.counter.modulus - (peak - v);
          peak = v;
        } else if (v <= RESTART_SHARE * peak) {
          this.growth += v;
          peak = v;
        }
      }
      this.peak[k] = peak;
    });
  }
}

/** A fall to at most this share of the peak is a restart from 0 rather than a glitch. */
const RESTART_SHARE = 0.05;

/** The dimension of the machine's figure for each quantity, and of the rate whose amount Furrow compares with it. */
const AMOUNT_RATE: Partial<Record<CounterQuantity, Dimension>> = { appliedVolume: 'volumePerArea', appliedMass: 'massPerArea', appliedCount: 'countPerArea' };

/** Furrow's running sums, in base units (m², m, s, kg, m³, L; applied in m³, kg or seeds). */
interface Sums {
  area: number;
  distance: number;
  time: number;
  yieldMass: number;
  yieldVolume: number;
  fuel: number;
  applied: number;
}

/**
 * Streams over an operation's raw batches and their standardized twins, and builds the report.
 * Furrow's figures: area = Σ area; distance and time = Σ distance and Σ interval of the points
 * where the implement is switched on; applied = Σ rate × area (the rate the operation is about: applied or seed rate); yield
 * = Σ wet mass or wet volume; fuel = Σ fuelUsed where logged per point.
 */
export class Reconciler {
  private readonly counters: { counter: CounterColumn; growth: CounterGrowth }[];
  private readonly sums: Sums = { area: 0, distance: 0, time: 0, yieldMass: 0, yieldVolume: 0, fuel: 0, applied: 0 };
  private readonly toBase = new Map<string, (v: number) => number>();
  private readonly rate: { key: string; perHa: (v: number) => number; dimension: Dimension } | undefined;

  constructor(
    private readonly meta: OperationMeta,
    private readonly units: ReadonlyMap<string, string>,
    private readonly system: UnitSystem,
  ) {
    this.counters = (meta.counters ?? []).map((counter) => ({ counter, growth: new CounterGrowth(counter) }));
    for (const [key, to] of Object.entries({ area: 'm2', distance: 'm', wetMass: 'kg', wetVolume: 'm3', fuelUsed: 'L' })) {
      const from = units.get(key);
      if (from) this.toBase.set(key, converter(from, to));
    }
    const rateKey = rateProperty(meta.operationType);
    const rateUnit = rateKey ? units.get(rateKey) : undefined;
    const dimension = rateUnit ? unitDef(rateUnit).dimension : undefined;
    const perHa = dimension && BASE_RATE[dimension];
    if (rateKey && rateUnit && dimension && perHa) this.rate = { key: rateKey, perHa: converter(rateUnit, perHa), dimension };
  }

  /** Whether there is anything to reconcile. */
  get active(): boolean {
    return this.counters.length > 0 || (this.meta.machineTotals ?? []).length > 0;
  }

  add(raw: PointBatch, std: StandardBatch): void {
    if (!this.active) return;
    for (const { growth } of this.counters) growth.add(raw);
    const sum = (key: string, only?: Uint8Array): number => {
      const values = std.numbers.get(key);
      const toBase = this.toBase.get(key);
      let total = 0;
      if (values && toBase) for (let i = 0; i < std.length; i++) if (!Number.isNaN(values[i]!) && (!only || only[i])) total += toBase(values[i]!);
      return total;
    };
    const s = this.sums;
    s.area += sum('area');
    // A machine's effective distance and time run while the implement is on, whether its sections are or not.
    s.distance += sum('distance', std.switchedOn);
    s.yieldMass += sum('wetMass');
    s.yieldVolume += sum('wetVolume');
    s.fuel += sum('fuelUsed');
    for (let i = 0; i < std.length; i++) if (std.switchedOn[i]) s.time += std.intervals[i]!;
    const rates = this.rate && std.numbers.get(this.rate.key);
    const area = std.numbers.get('area');
    const areaToM2 = this.toBase.get('area');
    if (this.rate && rates && area && areaToM2) {
      for (let i = 0; i < std.length; i++) if (!Number.isNaN(rates[i]!)) s.applied += (this.rate.perHa(rates[i]!) * areaToM2(area[i]!)) / 10_000;
    }
  }

  build(): ReconciliationRow[] {
    const rows: ReconciliationRow[] = [];
    for (const { counter, growth } of this.counters) if (growth.logged) rows.push(this.row(counter.quantity, counter.label, growth.growth, counter.unit));
    for (const total of this.meta.machineTotals ?? []) rows.push(this.row(total.quantity, total.label, total.value, total.unit));
    return rows;
  }

  private row(quantity: CounterQuantity, source: string, machineValue: number, machineUnit: string): ReconciliationRow {
    const ours = this.furrowFigure(quantity);
    const unit = ours?.unit ?? readableUnit(machineUnit);
    const machine = { value: round(converter(machineUnit, unit)(machineValue)), unit };
    const furrow = ours ? { value: round(ours.value), unit } : null;
    const differencePercent = furrow && machine.value !== 0 ? Math.round(((furrow.value - machine.value) / machine.value) * 10_000) / 100 : null;
    return { quantity, source, machine, furrow, differencePercent };
  }

  /** Furrow's figure for a quantity, in the unit the summary gives that total; undefined when Furrow has none. */
  private furrowFigure(quantity: CounterQuantity): Figure | undefined {
    const s = this.sums;
    const figure = (value: number, from: string, to: string | undefined): Figure | undefined => (to === undefined ? undefined : { value: converter(from, to)(value), unit: to });
    const unitOf = (key: string) => this.units.get(key);
    switch (quantity) {
      case 'area':
        return figure(s.area, 'm2', summaryUnit('totalArea', this.system));
      case 'distance':
        return figure(s.distance, 'm', unitOf('distance'));
      case 'time':
        return { value: s.time, unit: 's' };
      case 'yieldMass':
        return unitOf('wetMass') ? figure(s.yieldMass, 'kg', summaryUnit('totalWetMass', this.system, unitOf('wetMass'))) : undefined;
      case 'yieldVolume':
        return unitOf('wetVolume') ? figure(s.yieldVolume, 'm3', summaryUnit('totalWetVolume', this.system, unitOf('wetVolume'))) : undefined;
      case 'fuel':
        return unitOf('fuelUsed') ? figure(s.fuel, 'L', summaryUnit('totalFuelUsed', this.system, unitOf('fuelUsed'))) : undefined;
      case 'appliedVolume':
      case 'appliedMass':
      case 'appliedCount': {
        if (!this.rate || this.rate.dimension !== AMOUNT_RATE[quantity]) return undefined;
        return figure(s.applied, BASE_AMOUNT[this.rate.dimension]!, amountUnit(this.units.get(this.rate.key)!));
      }
    }
  }
}

/** The amount unit of a rate: L/ha → L, lb/ac → lb, seeds/ac → seeds. */
export function amountUnit(rateUnit: string): string {
  return unitDef(rateUnit).dimension === 'countPerArea' ? 'seeds' : rateUnit.split('/')[0]!;
}

/** Rates per hectare in the base amount units. */
const BASE_RATE: Partial<Record<Dimension, string>> = { volumePerArea: 'm3/ha', massPerArea: 'kg/ha', countPerArea: 'seeds/ha' };
const BASE_AMOUNT: Partial<Record<Dimension, string>> = { volumePerArea: 'm3', massPerArea: 'kg', countPerArea: 'seeds' };

function rateProperty(type: OperationType): string | undefined {
  return type === 'applied' ? 'appliedRate' : type === 'planted' ? 'seedRate' : undefined;
}

/** Controller units (mm, ml) read as the readable unit of their dimension. */
function readableUnit(code: string): string {
  const def = unitDef(code);
  if (def.readable) return code;
  const readable: Partial<Record<Dimension, string>> = { length: 'm', volume: 'L', mass: 'kg', area: 'm2', time: 's' };
  return readable[def.dimension] ?? code;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
