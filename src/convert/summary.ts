import type { UnitSystem } from '../model/properties.ts';
import { summaryUnit } from '../model/properties.ts';
import { converter } from '../model/units.ts';
import type { OperationMeta } from '../formats/types.ts';
import { OutlineBuilder } from './outline.ts';
import { isTankMix, meteredProduct } from './products.ts';
import { amountUnit, type ReconciliationRow } from './reconcile.ts';
import type { StandardBatch } from './standardize.ts';

/** Per-point properties that are summed into totals or are bookkeeping, not averaged. */
const NOT_AVERAGED = new Set(['area', 'distance', 'heading', 'sectionId']);

/**
 * Rates per area are averaged weighted by each point's area, as Leaf's own sample does
 * (wetVolumePerArea.avg 209.9 bu/ac = totalWetVolume / totalArea, leaf-api.md §3): a point that
 * covers twice the ground counts twice.
 */
function isPerArea(property: string): boolean {
  return property.endsWith('PerArea') || property === 'seedRate' || property === 'seedRateTarget' || property === 'appliedRate' || property === 'appliedRateTarget';
}

/** Without a logged width, half of a typical 6 m implement marks the worked area around each point. */
const DEFAULT_BUFFER_METERS = 3;

class Stat {
  sum = 0;
  weight = 0;
  min = Infinity;
  max = -Infinity;
}

export interface StatValue {
  avg: number;
  min: number;
  max: number;
  unit: string;
}

export interface SummaryOptions {
  /**
   * Whether to trace the outline of the cleaned points (the buffer around each point) for the
   * Feature's geometry. Default true. A caller that puts the coverage polygons in its place (the
   * pipeline does whenever coverage has an outline) can leave it out: it is most of the summary's
   * cost. Without it the geometry is null.
   */
  outline?: boolean;
}

export interface SummaryFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Totals summed over every point (a point that works no ground adds 0 area, and grain only as its flow sensor measured it). */
const SUMMED = ['area', 'wetMass', 'dryMass', 'wetVolume', 'dryVolume', 'fuelUsed'];

/**
 * Streams over the standard points of one operation and builds Leaf's summary Feature. Totals
 * (area, distance, time span, masses, volumes, amounts applied or planted, fuel) describe the ground
 * that was worked: they come from every point, before cleaning. Averages, minima and maxima and the
 * outline come from the cleaned points (Leaf's cleanup rules), so a sensor's zeros do not drag them.
 */
export class SummaryBuilder {
  private readonly stats = new Map<string, Stat>();
  private readonly totals = new Map<string, number>();
  private start = Infinity;
  private end = -Infinity;
  private points = 0;
  private readonly outline: OutlineBuilder | undefined;
  private readonly widthToMeters?: (v: number) => number;
  /** The amount the operation applied or planted: Σ rate × area, in the rate's amount unit. */
  private readonly amount?: { rateKey: string; unit: string; perM2: (rate: number, area: number) => number; sum: number };

  constructor(
    private readonly meta: OperationMeta,
    private readonly units: ReadonlyMap<string, string>,
    private readonly system: UnitSystem,
    options: SummaryOptions = {},
  ) {
    if (options.outline ?? true) this.outline = new OutlineBuilder();
    const widthUnit = units.get('equipmentWidth');
    if (widthUnit) this.widthToMeters = converter(widthUnit, 'm');
    const rateKey = meta.operationType === 'applied' ? 'appliedRate' : meta.operationType === 'planted' ? 'seedRate' : undefined;
    const rateUnit = rateKey ? units.get(rateKey) : undefined;
    const perUnit = rateUnit?.split('/')[1];
    if (rateKey && rateUnit && perUnit) {
      const areaIn = converter(units.get('area') ?? 'm2', perUnit);
      this.amount = { rateKey, unit: amountUnit(rateUnit), perM2: (rate, area) => rate * areaIn(area), sum: 0 };
    }
  }

  /** Adds every point of `batch` to the totals, and those whose `removed` reason is null to the averages and outline. */
  add(batch: StandardBatch, removed: readonly (string | null)[]): void {
    const area = batch.numbers.get('area')!;
    const columns = [...batch.numbers].filter(([key]) => !NOT_AVERAGED.has(key));
    for (const key of SUMMED) {
      const values = batch.numbers.get(key);
      if (!values) continue;
      let total = 0;
      for (let i = 0; i < batch.length; i++) if (!Number.isNaN(values[i]!)) total += values[i]!;
      this.totals.set(key, (this.totals.get(key) ?? 0) + total);
    }
    const distance = batch.numbers.get('distance');
    if (distance) {
      let worked = 0;
      for (let i = 0; i < batch.length; i++) if (batch.working[i]) worked += distance[i]!;
      this.totals.set('distance', (this.totals.get('distance') ?? 0) + worked);
    }
    const rates = this.amount && batch.numbers.get(this.amount.rateKey);
    if (this.amount && rates) for (let i = 0; i < batch.length; i++) if (!Number.isNaN(rates[i]!)) this.amount.sum += this.amount.perM2(rates[i]!, area[i]!);
    for (let i = 0; i < batch.length; i++) {
      const t = batch.time[i]!;
      if (t < this.start) this.start = t;
      if (t > this.end) this.end = t;
      if (removed[i] === null) this.points++;
    }
    // Column by column, each statistic in local variables: the same sums in the same order as point by point, without a Map lookup per value.
    for (const [key, values] of columns) {
      const perArea = isPerArea(key);
      let stat = this.stats.get(key);
      let { sum, weight, min, max } = stat ?? new Stat();
      let seen = false;
      for (let i = 0; i < batch.length; i++) {
        if (removed[i] !== null) continue;
        const v = values[i]!;
        if (Number.isNaN(v)) continue;
        const w = perArea ? area[i]! : 1;
        sum += v * w;
        weight += w;
        if (v < min) min = v;
        if (v > max) max = v;
        seen = true;
      }
      if (!seen) continue;
      if (!stat) this.stats.set(key, (stat = new Stat()));
      Object.assign(stat, { sum, weight, min, max });
    }
    if (this.outline) this.addOutline(batch, removed);
  }

  /**
   * Adds the cleaned points of `batch` to the outline alone, when there is one. For a caller that
   * left the outline out of its pass and finds it needs it after all (the coverage drew nothing):
   * a second read of the operation through a builder made with `outline: true` and only this call
   * gives the same geometry as one pass with `add`.
   */
  addOutline(batch: StandardBatch, removed: readonly (string | null)[]): void {
    const outline = this.outline;
    if (!outline) return;
    const width = batch.numbers.get('equipmentWidth');
    const toMeters = this.widthToMeters;
    for (let i = 0; i < batch.length; i++) {
      if (removed[i] !== null) continue;
      const w = width && toMeters ? toMeters(width[i]!) : NaN;
      outline.add(batch.lon[i]!, batch.lat[i]!, w > 0 ? w / 2 : DEFAULT_BUFFER_METERS);
    }
  }

  get pointCount(): number {
    return this.points;
  }

  build(): SummaryFeature {
    const meta = this.meta;
    const p: Record<string, unknown> = { operationType: meta.operationType };
    if (meta.originalOperationType) p.originalOperationType = meta.originalOperationType;
    if (meta.description) p.operationDescription = meta.description;
    if (this.start <= this.end) {
      p.startTime = new Date(this.start).toISOString();
      p.endTime = new Date(this.end).toISOString();
    }
    const areaM2 = converter(this.units.get('area') ?? 'm2', 'm2')(this.totals.get('area') ?? 0);
    const areaUnit = summaryUnit('totalArea', this.system);
    p.totalArea = { value: round(converter('m2', areaUnit)(areaM2)), unit: areaUnit };
    const distanceUnit = this.units.get('distance');
    if (distanceUnit) p.totalDistance = { value: round(this.totals.get('distance') ?? 0), unit: distanceUnit };

    for (const [key, stat] of [...this.stats].sort(([a], [b]) => a.localeCompare(b))) {
      if (stat.weight === 0) continue;
      const value: StatValue = { avg: round(stat.sum / stat.weight), min: round(stat.min), max: round(stat.max), unit: this.units.get(key) ?? '' };
      p[key] = value;
    }

    const totals = this.typeTotals();
    Object.assign(p, totals);
    if (meta.crop) p.crop = [meta.crop];
    this.breakdowns(p, areaM2, totals);
    if (meta.machinery.length > 0) p.machinery = meta.machinery;
    p.originalOperationData = {
      originalOperationType: meta.originalOperationType,
      ...(meta.farm ? { originalOperationFarm: meta.farm } : {}),
      ...(meta.field ? { originalOperationField: meta.field } : {}),
      ...(meta.grower ? { originalOperationGrower: meta.grower } : {}),
    };
    return { type: 'Feature', properties: p, geometry: this.outline ? this.outline.toMultiPolygon() : null };
  }

  private typeTotals(): Record<string, { value: number; unit: string }> {
    const result: Record<string, { value: number; unit: string }> = {};
    const total = (name: string, key: string) => {
      const unit = this.units.get(key);
      const value = this.totals.get(key);
      if (unit && value !== undefined) result[name] = { value: round(value), unit };
    };
    switch (this.meta.operationType) {
      case 'harvested':
        total('totalWetMass', 'wetMass');
        total('totalDryMass', 'dryMass');
        total('totalWetVolume', 'wetVolume');
        total('totalDryVolume', 'dryVolume');
        break;
      case 'applied':
        if (this.amount) result.totalApplied = { value: round(this.amount.sum), unit: this.amount.unit };
        break;
      case 'planted':
        // Seeds counted, or the mass of seed a small-grain drill metered (kg/ha × ha = kg).
        if (this.amount) result.totalPlanted = { value: round(this.amount.sum), unit: this.amount.unit };
        break;
      case 'tillage':
        break;
    }
    const fuel = this.totals.get('fuelUsed');
    const fuelUnit = this.units.get('fuelUsed');
    if (fuel !== undefined && fuelUnit) result.totalFuelUsed = { value: round(fuel), unit: fuelUnit };
    return result;
  }

  private breakdowns(p: Record<string, unknown>, areaM2: number, totals: Record<string, { value: number; unit: string }>): void {
    const meta = this.meta;
    const area = { value: round(areaM2), unit: 'm2' };
    if (meta.operationType === 'applied' && meta.products.length > 0) {
      // Figures go to the product the rate column meters; parts of a tank mix are named, their shares are not logged.
      const metered = meteredProduct(meta.products);
      const rate = p.appliedRate as StatValue | undefined;
      p.products = meta.products.map((product, i) => ({
        name: product.name,
        ...(product.type ? { type: product.type } : {}),
        ...(i === metered && rate ? { rate: { value: rate.avg, unit: rate.unit }, area, ...(totals.totalApplied ? { totalApplied: totals.totalApplied } : {}) } : {}),
      }));
      p.tankMix = isTankMix(meta.products);
    }
    if (meta.varieties.length > 0 && (meta.operationType === 'planted' || meta.operationType === 'harvested')) {
      const only = meta.varieties.length === 1;
      p.varieties = meta.varieties.map((name) => {
        if (!only) return { name };
        if (meta.operationType === 'planted') {
          const rate = p.seedRate as StatValue | undefined;
          return { name, ...(rate ? { rate } : {}), area, ...(totals.totalPlanted ? { totalPlanted: totals.totalPlanted } : {}) };
        }
        const pick = (k: string) => (p[k] !== undefined ? { [k]: p[k] } : {});
        return {
          name,
          ...pick('harvestMoisture'),
          ...pick('wetMassPerArea'),
          ...pick('dryMassPerArea'),
          ...(totals.totalWetMass ? { wetMass: totals.totalWetMass } : {}),
          ...(totals.totalDryMass ? { dryMass: totals.totalDryMass } : {}),
          ...(totals.totalWetVolume ? { wetVolume: totals.totalWetVolume } : {}),
          ...(totals.totalDryVolume ? { dryVolume: totals.totalDryVolume } : {}),
          area,
        };
      });
    }
  }
}

/**
 * Leaf's `totalFuelUsed` where the machine kept a fuel counter (ISOXML 0x0094 Total Fuel
 * Consumption) and no per-point fuel was logged: the counter's growth over the operation's points,
 * which is the machine's own figure. Furrow has no independent fuel measure, so the reconciliation
 * row keeps `furrow: null`; per-point `fuelUsed`, when logged, is summed instead and wins.
 */
export function addMachineFuel(properties: Record<string, unknown>, rows: readonly ReconciliationRow[], system: UnitSystem): void {
  if (properties.totalFuelUsed !== undefined) return;
  const fuel = rows.filter((row) => row.quantity === 'fuel' && row.machine.value >= 0);
  if (fuel.length !== 1) return; // none, or several fuel counters (which one is the machine's?): say nothing rather than pick
  const { value, unit } = fuel[0]!.machine;
  const to = summaryUnit('totalFuelUsed', system, unit);
  properties.totalFuelUsed = { value: Math.round(converter(unit, to)(value) * 1e6) / 1e6, unit: to };
}
