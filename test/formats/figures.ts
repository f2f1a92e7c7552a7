import { Standardizer } from '../../src/convert/standardize.ts';
import { openArchive } from '../../src/formats/archive.ts';
import type { CounterColumn, CounterQuantity, Driver, OperationSource } from '../../src/formats/types.ts';
import { converter } from '../../src/model/units.ts';

/*
 * Furrow's own figures for an operation, summed the way issue 12 defines them for the
 * reconciliation (over the points that were working and have a position, before cleaning):
 * area = Σ area; distance = Σ distance; time = Σ interval; applied = Σ rate × area; planted
 * seeds = Σ seed rate × area; yield mass / volume = Σ wet mass / wet volume. They are computed
 * here from the Standardizer's per-point values, independently of the summary code, so that a
 * reader's tests can hold its totals against the machine's.
 */

export interface Figures {
  points: number;
  working: number;
  /** m² */
  area: number;
  /** m */
  distance: number;
  /** s */
  time: number;
  /** Applied product: m³ for a volume rate, kg for a mass rate. */
  applied: number;
  appliedDimension?: 'volume' | 'mass';
  /** Seeds. */
  seeds: number;
  /** kg */
  yieldMass: number;
  /** m³ */
  yieldVolume: number;
  /** Each counter of the meta: Σ of its increments between consecutive points (a restart counts from its new value), in the counter's unit. */
  counters: Map<string, number>;
}

const SI: Record<CounterQuantity, string> = {
  area: 'm2',
  distance: 'm',
  time: 's',
  appliedVolume: 'm3',
  appliedMass: 'kg',
  appliedCount: 'count',
  yieldMass: 'kg',
  yieldVolume: 'm3',
  fuel: 'm3',
};

/** Furrow's figure for a counter's quantity, in the counter's own unit. */
export function furrowFigure(figures: Figures, counter: { quantity: CounterQuantity; unit: string }): number {
  const si: Record<CounterQuantity, number> = {
    area: figures.area,
    distance: figures.distance,
    time: figures.time,
    appliedVolume: figures.appliedDimension === 'volume' ? figures.applied : NaN,
    appliedMass: figures.appliedDimension === 'mass' ? figures.applied : NaN,
    appliedCount: figures.seeds,
    yieldMass: figures.yieldMass,
    yieldVolume: figures.yieldVolume,
    fuel: NaN,
  };
  return converter(SI[counter.quantity], counter.unit)(si[counter.quantity]);
}

/** Streams an operation through the Standardizer (metric) and sums its figures. */
export async function figuresOf(source: OperationSource): Promise<Figures> {
  const std = new Standardizer(source.meta, 'metric');
  const unitOf = (p: string) => std.units.get(p as never);
  const toBase = (p: string, base: string) => {
    const u = unitOf(p);
    return u ? converter(u, base) : undefined;
  };
  const areaM2 = toBase('area', 'm2')!;
  const distM = toBase('distance', 'm')!;
  const rateUnit = unitOf('appliedRate');
  const appliedDimension = rateUnit === 'L/ha' || rateUnit === 'm3/ha' ? 'volume' : rateUnit === 'kg/ha' ? 'mass' : undefined;
  const rate = rateUnit ? converter(rateUnit, appliedDimension === 'volume' ? 'm3/ha' : 'kg/ha') : undefined;
  const seedUnit = unitOf('seedRate');
  const seedRate = seedUnit === 'seeds/ha' ? (v: number) => v : undefined;
  const mass = toBase('wetMass', 'kg');
  const volume = toBase('wetVolume', 'm3');
  const figures: Figures = { points: 0, working: 0, area: 0, distance: 0, time: 0, applied: 0, seeds: 0, yieldMass: 0, yieldVolume: 0, counters: new Map() };
  if (appliedDimension) figures.appliedDimension = appliedDimension;
  const counters: CounterColumn[] = source.meta.counters ?? [];
  const last = new Map<string, number>();
  const add = (v: number, into: 'yieldMass' | 'yieldVolume') => {
    if (Number.isFinite(v)) figures[into] += v;
  };
  for await (const batch of source.points()) {
    const out = std.apply(batch);
    const col = (p: string) => out.numbers.get(p);
    const area = col('area')!;
    const distance = col('distance')!;
    const appliedRate = col('appliedRate');
    const seed = col('seedRate');
    const wetMass = col('wetMass');
    const wetVolume = col('wetVolume');
    for (let i = 0; i < out.length; i++) {
      figures.points++;
      for (const counter of counters) {
        let value = 0;
        for (const key of counter.keys) value += batch.numbers.get(key)?.[i] ?? NaN;
        if (!Number.isFinite(value)) continue;
        const previous = last.get(counter.label);
        const grown = previous === undefined ? 0 : value >= previous ? value - previous : value;
        figures.counters.set(counter.label, (figures.counters.get(counter.label) ?? 0) + grown);
        last.set(counter.label, value);
      }
      // Mass measured off the worked ground (header up, spout emptying) is harvested too.
      if (wetMass) add(mass!(wetMass[i]!), 'yieldMass');
      if (wetVolume) add(volume!(wetVolume[i]!), 'yieldVolume');
      if (!out.working[i] || !Number.isFinite(out.lat[i]!) || !Number.isFinite(out.lon[i]!)) continue;
      figures.working++;
      const m2 = areaM2(area[i]!);
      if (Number.isFinite(m2)) figures.area += m2;
      const m = distM(distance[i]!);
      if (Number.isFinite(m)) figures.distance += m;
      figures.time += out.intervals[i]!;
      const r = appliedRate && rate ? rate(appliedRate[i]!) : NaN;
      if (Number.isFinite(r) && Number.isFinite(m2)) figures.applied += (r * m2) / 10_000;
      const s = seed && seedRate ? seedRate(seed[i]!) : NaN;
      if (Number.isFinite(s) && Number.isFinite(m2)) figures.seeds += (s * m2) / 10_000;
    }
  }
  return figures;
}

/** Every operation a driver reads from an archive (a zip or a plain file). */
export async function readOperations(input: string, driver: Driver): Promise<{ sources: OperationSource[]; close: () => Promise<void> }> {
  const archive = await openArchive(input);
  const sources: OperationSource[] = [];
  for (const dataset of await driver.detect(archive.entries)) sources.push(...(await driver.read(dataset)));
  return { sources, close: () => archive.close() };
}

/** (Furrow − machine) / machine, in percent. */
export function differencePercent(furrow: number, machine: number): number {
  return ((furrow - machine) / machine) * 100;
}
