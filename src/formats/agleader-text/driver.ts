import type { PointBatch } from '../../model/batch.ts';
import { BATCH_SIZE, emptyBatch } from '../../model/batch.ts';
import { FURROW_VERSION } from '../../version.ts';
import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationMeta, type OperationSource } from '../types.ts';
import { DERIVED, NUMBER_COLUMNS, STRING_COLUMNS, type DerivedKey } from './columns.ts';
import { cropForGrainType } from './crop.ts';
import { headLines, readLines } from './lines.ts';
import { isAgLeaderLine, parseLine, tokenName, type AgLeaderRow } from './row.ts';
import { problemWarnings, scanFile, type GrainTypeScan } from './scan.ts';

const DRIVER = 'agleader-text';
const FILE_FORMAT = 'AgLeaderText';
const PROVIDER = 'AgLeader';
const READER = `furrow-agleader-text/${FURROW_VERSION}`;
/** Enough for a dozen rows (≈120 bytes each); detection never reads further. */
const SNIFF_BYTES = 2048;
/** The file key of a dataset's single entry. */
const FILE_KEY = 'FILE';
/** Before 1973 as Unix seconds: such times are re-based or GPS-week seconds, not calendar time. */
const MIN_UNIX_SECONDS = 1e8;

/**
 * Ag Leader "Advanced" text export (formats.md §6.3): one headerless CSV per file, one row per
 * logged interval of a yield monitor. Claimed by content only (the extension is `.txt` like any
 * text file): the first complete lines must all be Ag Leader rows. One operation per grain type.
 */
export const agLeaderTextDriver: Driver = {
  name: DRIVER,
  providers: [PROVIDER],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    for (const entry of entries) {
      // Content decides; the extension only spares opening binaries (.shp, .fdd, .bin...).
      if (!/\.(txt|csv)$/i.test(entry.path) || entry.size === 0) continue;
      const lines = await headLines(entry, SNIFF_BYTES);
      if (lines.length === 0 || !lines.every(isAgLeaderLine)) continue;
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: entry.path, entries: new Map([[FILE_KEY, entry]]) });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const entry = dataset.entries.get(FILE_KEY);
    if (!entry) throw new DatasetError(`${dataset.root}: the file is missing`);
    let scan: Awaited<ReturnType<typeof scanFile>>;
    try {
      scan = await scanFile(await entry.open());
    } catch (error) {
      throw new DatasetError(`${dataset.root}: the file could not be read (${(error as Error).message})`);
    }
    if (scan.grainTypes.size === 0) throw new DatasetError(`${dataset.root}: no Ag Leader data row was found among its ${scan.lines} lines`);
    const fileWarnings = problemWarnings(dataset.root, scan);
    const usedIds = new Set<string>();
    return [...scan.grainTypes].map(([grainType, g]) => operationSource(entry, dataset.root, grainType, g, uniqueId(g, grainType, usedIds), fileWarnings));
  },
};

function uniqueId(g: GrainTypeScan, grainType: string, used: Set<string>): string {
  const field = g.fields.size === 1 ? tokenName([...g.fields][0]!) : '';
  const base = [field, grainType || 'harvest'].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
  used.add(id);
  return id;
}

function operationSource(entry: ArchiveEntry, file: string, grainType: string, g: GrainTypeScan, id: string, fileWarnings: string[]): OperationSource {
  const warnings = [...fileWarnings];
  const crop = cropForGrainType(grainType);
  if (grainType === '') {
    warnings.push(
      `${file}: the grain type column is empty, so the crop is unknown: wet yield (lb/ac) and moisture are converted, but dry yield repeats wet yield and volumes (bu/ac) are not computed, as they need the crop's test weight and standard moisture`,
    );
  } else if (!crop) {
    warnings.push(
      `${file}: grain type "${grainType}" is not in the crop table, so dry yield repeats wet yield and volumes (bu/ac) are not computed; wet yield (lb/ac) and moisture are converted`,
    );
  }
  if (g.firstTime < MIN_UNIX_SECONDS) {
    warnings.push(
      `${file}: GPS times start at ${g.firstTime} s, not a Unix time: the monitor or an editor re-based them, so point times are kept as seconds from 1970-01-01 and are not the calendar dates of the harvest`,
    );
  }
  const stringColumns = STRING_COLUMNS.filter((c) => c.key !== 'variety' || g.varieties.size > 0);
  const meta: OperationMeta = {
    id,
    operationType: 'harvested',
    originalOperationType: 'Ag Leader yield monitor (Advanced text export)',
    fileFormat: FILE_FORMAT,
    provider: PROVIDER,
    crop: crop ?? (grainType ? grainType.toLowerCase() : undefined),
    varieties: [...g.varieties],
    products: [],
    field: g.fields.size > 0 ? [...g.fields].map(tokenName).join(', ') : undefined,
    description: g.loads.size > 0 ? `loads ${[...g.loads].map(tokenName).join(', ')}` : undefined,
    machinery: [...g.serials].map((serialNumber) => ({ name: 'Ag Leader yield monitor', type: 'machine' as const, serialNumber, brand: 'Ag Leader' })),
    columns: [...NUMBER_COLUMNS, ...stringColumns],
    warnings,
    reader: READER,
  };
  return {
    meta,
    async *points(): AsyncIterable<PointBatch> {
      yield* readPoints(entry, grainType, meta);
    },
  };
}

async function* readPoints(entry: ArchiveEntry, grainType: string, meta: OperationMeta): AsyncGenerator<PointBatch> {
  const numberKeys = meta.columns.filter((c) => c.kind === 'number').map((c) => c.key);
  const stringKeys = meta.columns.filter((c) => c.kind === 'string').map((c) => c.key);
  const fresh = () => emptyBatch(BATCH_SIZE, numberKeys, stringKeys);
  let batch = fresh();
  let targets = bind(batch, numberKeys, stringKeys);
  for await (const line of readLines(await entry.open())) {
    const parsed = parseLine(line);
    // Skipped lines were counted by the scan; rows of another grain type belong to another operation.
    if (!('row' in parsed) || parsed.row.grainType !== grainType) continue;
    put(batch, targets, parsed.row);
    if (batch.length === BATCH_SIZE) {
      yield batch;
      batch = fresh();
      targets = bind(batch, numberKeys, stringKeys);
    }
  }
  if (batch.length > 0) yield batch;
}

interface Targets {
  numbers: [keyof AgLeaderRow | DerivedKey, Float64Array][];
  strings: [keyof AgLeaderRow, (string | null)[]][];
}

function bind(batch: PointBatch, numberKeys: string[], stringKeys: string[]): Targets {
  return {
    numbers: numberKeys.map((key) => [key as keyof AgLeaderRow | DerivedKey, batch.numbers.get(key)!]),
    strings: stringKeys.map((key) => [key as keyof AgLeaderRow, batch.strings.get(key)!]),
  };
}

function put(batch: PointBatch, targets: Targets, row: AgLeaderRow): void {
  const i = batch.length++;
  batch.time[i] = row.gpsTime * 1000;
  batch.lon[i] = row.lon;
  batch.lat[i] = row.lat;
  for (const [key, column] of targets.numbers) column[i] = key in DERIVED ? DERIVED[key as DerivedKey](row) : (row[key as keyof AgLeaderRow] as number);
  for (const [key, column] of targets.strings) {
    const value = row[key] as string;
    column[i] = value === '' ? null : value;
  }
}
