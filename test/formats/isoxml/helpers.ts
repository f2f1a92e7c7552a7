import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openArchive, type Archive } from '../../../src/formats/archive.ts';
import { isoxmlDriver } from '../../../src/formats/isoxml/driver.ts';
import type { PointBatch } from '../../../src/model/batch.ts';
import type { Dataset, OperationSource } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';

/** Every ISOXML sample folder, read in place (never copied into the repository). */
export function isoxmlSamples(): string[] {
  const root = sample('isoxml');
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort();
}

export interface OracleValue {
  ddi: string;
  det: string;
  name: string;
  unit: string;
  logged: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  meanFilled: number | null;
}

export interface OracleTimeLog {
  file: string;
  records: number;
  validPositions: number;
  first: string | null;
  last: string | null;
  bbox: (number | null)[];
  errors: string[];
  values: Record<string, OracleValue>;
}

export interface Oracle {
  warnings: string[];
  tasks: { designator: string; timelogs: OracleTimeLog[] }[];
}

export function readOracle(name: string): Oracle {
  return JSON.parse(readFileSync(sample('isoxml', name, 'ORACLE.json'), 'utf8')) as Oracle;
}

/** Opens a sample folder with the lead's archive walker (zips included) and claims its one TASKDATA dataset. */
export async function openSample(name: string): Promise<{ archive: Archive; dataset: Dataset }> {
  const archive = await openArchive(sample('isoxml', name));
  const datasets = await isoxmlDriver.detect(archive.entries);
  if (datasets.length !== 1) {
    await archive.close();
    throw new Error(`${name}: expected one TASKDATA dataset, found ${datasets.length}`);
  }
  return { archive, dataset: datasets[0]! };
}

export async function collect(source: OperationSource): Promise<PointBatch[]> {
  const batches: PointBatch[] = [];
  for await (const batch of source.points()) batches.push(batch);
  return batches;
}

export function pointCount(batches: readonly PointBatch[]): number {
  return batches.reduce((n, b) => n + b.length, 0);
}

/** Relative closeness with an absolute floor for values near zero. */
export function near(actual: number, expected: number, relative: number): boolean {
  return Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-9;
}

/** A stream of the bytes cut into chunks of the given size, to exercise chunk boundaries. */
export function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(chunks);
}
