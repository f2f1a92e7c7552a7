import type { Readable } from 'node:stream';
import type { PointBatch } from '../../model/batch.ts';
import { BATCH_SIZE, emptyBatch } from '../../model/batch.ts';
import { isStandardProperty, type StandardProperty } from '../../model/properties.ts';
import { isUnit } from '../../model/units.ts';
import { FURROW_VERSION } from '../../version.ts';
import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationMeta, type OperationSource } from '../types.ts';
import { featurePosition, featureProperties, numberValue, parseTime, recordingValue, streamFeatures } from './features.ts';
import { planGeoJson, type GeoJsonPlan, type OperationPlan } from './plan.ts';
import { scanFeatures } from './scan.ts';
import { featureCollectionVerdict } from './sniff.ts';
import { sniff } from '../sniff.ts';

const DRIVER = 'geojson';
const FILE_FORMAT = 'GeoJSON';
const READER = `furrow-geojson/${FURROW_VERSION}`;
/** Foreign members (Furrow's `furrow`, a `crs`, a `name`) may precede `features`; 64 KiB is plenty. */
const SNIFF_BYTES = 64 * 1024;
const FEATURES_KEY = 'FEATURES';
const UNITS_KEY = 'UNITS.JSON';
/** A units.json is a small flat object; anything bigger is not one. */
const MAX_UNITS_BYTES = 64 * 1024;

/**
 * GeoJSON FeatureCollections of points: Farmobile exports (Leaf reads them with Farmobile's default
 * units), any generic point GeoJSON, and Leaf's or Furrow's own standard GeoJSON, whose standard
 * property names read back unchanged. Claimed by content: a `.geojson` / `.json` whose first bytes
 * are a FeatureCollection. A `units.json` beside the file (Leaf's units format, which Furrow writes
 * next to its outputs) states the units; without one, names like `speed_mph` or the assumed
 * Farmobile US units do.
 */
export const geojsonDriver: Driver = {
  name: DRIVER,
  providers: ['Farmobile'],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    for (const entry of entries) {
      const lower = entry.path.toLowerCase();
      if (!/\.(geo)?json$/.test(lower) || lower.endsWith('-deere-metadata.json') || entry.size === 0) continue;
      if (!(await isFeatureCollection(entry))) continue;
      const folder = entry.path.slice(0, entry.path.lastIndexOf('/') + 1);
      const files = new Map<string, ArchiveEntry>([[FEATURES_KEY, entry]]);
      const units = entries.find((e) => e.path.toLowerCase() === `${folder.toLowerCase()}units.json`);
      if (units) files.set(UNITS_KEY, units);
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: entry.path, entries: files });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const entry = dataset.entries.get(FEATURES_KEY);
    if (!entry) throw new DatasetError(`${dataset.root}: the file is missing`);
    const file = dataset.root;
    const warnings: string[] = [];
    const units = await readUnitsFile(dataset.entries.get(UNITS_KEY), warnings);
    const scan = await scanFeatures(await openEntry(entry, file), file);
    const plan = planGeoJson(file, scan, units);
    const provider = /farmobile/i.test(file) || (await mentionsFarmobile(entry)) ? 'Farmobile' : 'Other';
    const used = new Set<string>();
    return plan.operations.map((operation) => {
      let id: string = operation.type;
      for (let n = 2; used.has(id); n++) id = `${operation.type}_${n}`;
      used.add(id);
      const meta: OperationMeta = {
        id,
        operationType: operation.type,
        originalOperationType: plan.originalOperationType ?? (operation.words ? [...operation.words].join(', ') : 'GeoJSON points'),
        fileFormat: FILE_FORMAT,
        provider,
        crop: operation.type === 'harvested' || operation.type === 'planted' || operation.type === 'applied' ? plan.crop : undefined,
        varieties: plan.varieties,
        products: plan.products,
        machinery: [],
        columns: plan.columns,
        warnings: [...warnings, ...plan.warnings],
        reader: READER,
      };
      return { meta, points: () => readPoints(entry, file, plan, operation) };
    });
  },
};

async function openEntry(entry: ArchiveEntry, file: string): Promise<Readable> {
  try {
    return await entry.open();
  } catch (error) {
    throw new DatasetError(`${file}: the file could not be opened (${(error as Error).message})`);
  }
}

async function isFeatureCollection(entry: ArchiveEntry): Promise<boolean> {
  // The verdict on what was read, once it is certain or SNIFF_BYTES are in: a cut-off start is not claimed.
  const verdict = await sniff(entry, SNIFF_BYTES, (head) => {
    const answer = featureCollectionVerdict(head.subarray(0, SNIFF_BYTES).toString('utf8'));
    return answer !== 'need more' || head.length >= SNIFF_BYTES ? answer : undefined;
  });
  return verdict === 'yes';
}

/** Farmobile is named in the file's first bytes (a `source`, a property name) when the export says so. */
async function mentionsFarmobile(entry: ArchiveEntry): Promise<boolean> {
  const found = await sniff(entry, SNIFF_BYTES, (head) => (/farmobile/i.test(head.toString('utf8')) ? true : head.length >= SNIFF_BYTES ? false : undefined));
  return found === true;
}

/** Leaf's units format: a flat object of standard property → unit code. Unusable entries are reported and ignored. */
async function readUnitsFile(entry: ArchiveEntry | undefined, warnings: string[]): Promise<Map<StandardProperty, string>> {
  const units = new Map<StandardProperty, string>();
  if (!entry) return units;
  try {
    if (entry.size > MAX_UNITS_BYTES) throw new Error(`${entry.size} bytes is too large for a units file`);
    const chunks: Buffer[] = [];
    for await (const chunk of (await entry.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not an object of property → unit');
    const ignored: string[] = [];
    for (const [property, unit] of Object.entries(parsed as Record<string, unknown>)) {
      if (isStandardProperty(property) && typeof unit === 'string' && isUnit(unit)) units.set(property, unit);
      else ignored.push(`${property}: ${JSON.stringify(unit)}`);
    }
    if (ignored.length > 0) warnings.push(`${entry.path}: entries that are not a standard property with a known unit code were ignored (${ignored.join(', ')})`);
  } catch (error) {
    warnings.push(`${entry.path} could not be used (${(error as Error).message}); units were assumed as without it`);
  }
  return units;
}

async function* readPoints(entry: ArchiveEntry, file: string, plan: GeoJsonPlan, operation: OperationPlan): AsyncGenerator<PointBatch> {
  const numberKeys = plan.columns.filter((c) => c.kind === 'number').map((c) => c.key);
  const stringKeys = plan.columns.filter((c) => c.kind === 'string').map((c) => c.key);
  let batch = emptyBatch(BATCH_SIZE, numberKeys, stringKeys);
  for await (const feature of streamFeatures(await openEntry(entry, file), file)) {
    // Features skipped here (no point, no time, another operation) were counted by the scan.
    const position = featurePosition(feature);
    if ('skip' in position) continue;
    const properties = featureProperties(feature);
    const time = parseTime(properties[plan.timeKey]);
    if (!time) continue;
    if (operation.words) {
      const word = properties[plan.typeKey!];
      if (typeof word !== 'string' || !operation.words.has(word.trim())) continue;
    }
    const i = batch.length++;
    batch.time[i] = time.ms;
    batch.lon[i] = position.lon;
    batch.lat[i] = position.lat;
    for (const reader of plan.readers) {
      const value = properties[reader.source];
      if (value === undefined || value === null) continue;
      if (reader.kind === 'string') batch.strings.get(reader.column)![i] = typeof value === 'string' ? value : String(value);
      else batch.numbers.get(reader.column)![i] = reader.kind === 'recording' ? recordingValue(value) : numberValue(value);
    }
    if (plan.zColumn) batch.numbers.get(plan.zColumn)![i] = position.z;
    if (batch.length === BATCH_SIZE) {
      yield batch;
      batch = emptyBatch(BATCH_SIZE, numberKeys, stringKeys);
    }
  }
  if (batch.length > 0) yield batch;
}
