import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import type { OperationType } from '../../../src/model/operations.ts';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { FILTER_ORDER, writeFilteredOutputs, type FilterLayout, type FilterResult, type FilterSettings } from '../../../src/convert/filters/index.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { METERS_PER_DEGREE } from '../../helpers/fake-source.ts';

/** One hand-written standardized point: `t` in s, `x` metres east of the origin on the equator, values in `UNITS`. */
export interface Row {
  t: number;
  x?: number;
  status?: 'On' | 'Off';
  values?: Partial<Record<StandardProperty, number>>;
}

/** Units of the hand-built series: SI, so that every threshold in a test reads as written. */
export const UNITS = new Map<StandardProperty, string>([
  ['area', 'm2'],
  ['equipmentWidth', 'm'],
  ['speed', 'm/s'],
  ['harvestMoisture', 'percentage'],
  ['wetMass', 'kg'],
  ['wetMassPerArea', 'kg/ha'],
]);

/** Values every row has unless it says otherwise: 2 m/s, 9 m wide, 18 m² per point, 10 t/ha at 20 % moisture. */
const BASE: Partial<Record<StandardProperty, number>> = { area: 18, equipmentWidth: 9, speed: 2, harvestMoisture: 20, wetMassPerArea: 10_000, wetMass: 18 };

/** Standardized batches of `rows` (2 points per batch, so that windows cross batch ends), afresh on each call. */
export function series(rows: Row[], units: ReadonlyMap<StandardProperty, string> = UNITS, withStatus = true): () => AsyncIterable<PointBatch> {
  return async function* () {
    for (let start = 0; start < rows.length; start += 2) {
      const slice = rows.slice(start, start + 2);
      const batch = emptyBatch(slice.length, units.keys(), withStatus ? ['recordingStatus'] : []);
      batch.length = slice.length;
      slice.forEach((row, i) => {
        batch.time[i] = Date.UTC(2024, 8, 1) + row.t * 1000;
        batch.lon[i] = (row.x ?? row.t * 2) / METERS_PER_DEGREE;
        batch.lat[i] = 0;
        for (const key of units.keys()) batch.numbers.get(key)![i] = row.values?.[key] ?? BASE[key] ?? NaN;
        if (withStatus) batch.strings.get('recordingStatus')![i] = row.status ?? 'On';
      });
      yield batch;
    }
  };
}

/** Settings with every filter off except those named (with their given settings). */
export function only(settings: FilterSettings): FilterSettings {
  const out: Record<string, unknown> = { passes: settings.passes };
  for (const name of FILTER_ORDER) out[name] = { enabled: settings[name] !== undefined, ...settings[name] };
  return out as FilterSettings;
}

export interface Annotated {
  result: FilterResult;
  /** `removedBy` of every point of annotated.geojson, in order. */
  removedBy: (string | null)[];
  /** The annotated points' properties. */
  properties: Record<string, unknown>[];
  /** Timestamps of filtered.geojson's points. */
  kept: string[];
}

interface Feature {
  properties: Record<string, unknown>;
}

export async function runFilters(
  points: () => AsyncIterable<PointBatch>,
  settings: FilterSettings,
  operationType: OperationType = 'harvested',
  units = UNITS,
  layout: Pick<FilterLayout, 'speedLogged' | 'widestWidth'> = {},
): Promise<Annotated> {
  let out: Annotated | undefined;
  await withTempDir(async (dir) => {
    const result = await writeFilteredOutputs(points, operationType, units, dir, settings, { constants: [['operationType', operationType]], ...layout });
    const annotated = JSON.parse(await readFile(join(dir, 'annotated.geojson'), 'utf8')) as { features: Feature[] };
    const filtered = JSON.parse(await readFile(join(dir, 'filtered.geojson'), 'utf8')) as { features: Feature[] };
    out = {
      result,
      removedBy: annotated.features.map((f) => f.properties.removedBy as string | null),
      properties: annotated.features.map((f) => f.properties),
      kept: filtered.features.map((f) => f.properties.timestamp as string),
    };
  });
  return out!;
}

/** Indices of the points a given filter removed. */
export function removedIndices(run: Annotated, name: string): number[] {
  return run.removedBy.flatMap((r, i) => (r === name ? [i] : []));
}
