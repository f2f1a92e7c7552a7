import { openArchive } from '../../../src/formats/archive.ts';
import { climateDriver } from '../../../src/formats/climate/driver.ts';
import type { ArchiveEntry, Dataset, OperationSource } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';

/** Climate's own sample set (SOURCES-other.md): flat zip of 11 `.dat` files. */
export const CLIMATE_ZIP = sample('climate-dat', 'climate-adapt-samplefiles', 'SampleFiles.zip');

/** Runs `fn` over the sample's archive entries, keeping the archive open meanwhile. */
export async function withSampleEntries<T>(fn: (entries: readonly ArchiveEntry[]) => Promise<T>): Promise<T> {
  const archive = await openArchive(CLIMATE_ZIP);
  try {
    return await fn(archive.entries);
  } finally {
    await archive.close();
  }
}

/** The one operation of the dataset detected among `entries` whose root matches. */
export async function readOne(entries: readonly ArchiveEntry[], root: string): Promise<{ dataset: Dataset; source: OperationSource }> {
  const datasets = await climateDriver.detect(entries);
  const dataset = datasets.find((d) => d.root === root);
  if (!dataset) throw new Error(`no dataset ${root} among ${datasets.map((d) => d.root).join(', ')}`);
  const sources = await climateDriver.read(dataset);
  if (sources.length !== 1) throw new Error(`expected one operation, got ${sources.length}`);
  return { dataset, source: sources[0]! };
}

export interface Collected {
  count: number;
  time: number[];
  lon: number[];
  lat: number[];
  numbers: Map<string, number[]>;
}

/** Collects every point of a source into plain arrays (the samples are small: ≤ 65,040 points). */
export async function collect(source: OperationSource): Promise<Collected> {
  const out: Collected = { count: 0, time: [], lon: [], lat: [], numbers: new Map() };
  for await (const batch of source.points()) {
    out.count += batch.length;
    for (let i = 0; i < batch.length; i++) {
      out.time.push(batch.time[i]!);
      out.lon.push(batch.lon[i]!);
      out.lat.push(batch.lat[i]!);
    }
    for (const [key, values] of batch.numbers) {
      let list = out.numbers.get(key);
      if (!list) out.numbers.set(key, (list = []));
      for (let i = 0; i < batch.length; i++) list.push(values[i]!);
    }
  }
  return out;
}

export function column(points: Collected, key: string): number[] {
  const values = points.numbers.get(key);
  if (!values) throw new Error(`no column ${key}`);
  return values;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Share of the values within [lo, hi]. */
export function shareWithin(values: readonly number[], lo: number, hi: number): number {
  const finite = values.filter(Number.isFinite);
  return finite.filter((v) => v >= lo && v <= hi).length / finite.length;
}

/** Great-circle distance in metres (haversine), for "within a few km of the stated location". */
export function metresBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}
