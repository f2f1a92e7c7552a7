import type { PointBatch } from '../../model/batch.ts';
import { FURROW_VERSION } from '../../version.ts';
import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationMeta, type OperationSource } from '../types.ts';
import { DbfReader } from './dbf-reader.ts';
import { chooseEncoding } from './encoding.ts';
import { agLeaderPlan, isAgLeaderLayer } from './names/agleader.ts';
import { deerePlan, isDeereLayer } from './names/deere.ts';
import { genericPlan } from './names/generic.ts';
import { isTrimbleLayer, trimblePlan } from './names/trimble.ts';
import type { LayerContext, LayerPlan } from './plan.ts';
import { readLayerPoints } from './points.ts';
import { chooseProjection } from './projection.ts';
import { scanTable } from './scan.ts';
import { SHAPE_TYPES, shapeFamily, ShpReader } from './shp-reader.ts';
import { readHead } from '../sniff.ts';

const DRIVER = 'shapefile';
/** Leaf's fileFormat for shapefile uploads (leaf-api.md §2). */
const FILE_FORMAT = 'SHAPEFILE';
const READER = `furrow-shapefile/${FURROW_VERSION}`;
const DEERE_METADATA = '-DEERE-METADATA.JSON';
/** Sibling files of a layer, by the suffix after its base name (upper-cased keys of Dataset.entries). */
const SIBLINGS = ['.SHP', '.DBF', '.SHX', '.PRJ', '.CPG', DEERE_METADATA];
/** Small text siblings read whole; a larger one is not what its name says. */
const MAX_SIDECAR_BYTES = 1024 * 1024;

/**
 * ESRI shapefile driver for the point layers farm software exports: John Deere Operations Center
 * (with its -Deere-Metadata.json), Ag Leader SMS, Trimble AgGPS and others. A dataset is one
 * layer — a .shp and its same-named siblings, in any folder — and holds one operation; its .shp
 * and .dbf are streamed in step, never loaded whole.
 */
export const shapefileDriver: Driver = {
  name: DRIVER,

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const byPath = new Map<string, ArchiveEntry>();
    for (const entry of entries) if (!byPath.has(entry.path.toUpperCase())) byPath.set(entry.path.toUpperCase(), entry);
    const datasets: Dataset[] = [];
    for (const entry of entries) {
      if (!/\.shp$/i.test(entry.path) || isMacMetadata(entry.path) || isGuidanceFile(entry.path)) continue;
      const base = entry.path.slice(0, -4);
      // A .shp beside its .dbf is meant as a shapefile even when damaged: claim it, so that the
      // user hears why it fails. A lone file of that name must at least start like one.
      if (!byPath.has(`${base.toUpperCase()}.DBF`) && !(await hasShapefileHeader(entry))) continue;
      const files = new Map<string, ArchiveEntry>();
      for (const suffix of SIBLINGS) {
        const sibling = byPath.get(base.toUpperCase() + suffix);
        if (sibling) files.set(suffix, sibling);
      }
      files.set('.SHP', entry);
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: base, entries: files });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const shpEntry = dataset.entries.get('.SHP');
    const dbfEntry = dataset.entries.get('.DBF');
    const name = baseName(dataset.root);
    if (!shpEntry) throw new DatasetError(`${dataset.root}: the .shp file is missing`);
    if (!dbfEntry) {
      throw new DatasetError(`${name}.shp has no ${name}.dbf beside it: a shapefile's values (rates, yields, times) are in its .dbf, so the layer cannot be converted without it`);
    }
    const warnings: string[] = [];
    const shp = await ShpReader.open(await shpEntry.open(), `${name}.shp`);
    await shp.close();
    const family = shapeFamily(shp.header.shapeType);
    if (family === 'polygon') warnings.push(`${name}.shp is a ${SHAPE_TYPES[shp.header.shapeType]} layer: each polygon's area centroid is used as the point's position`);
    if (family === 'multipoint') warnings.push(`${name}.shp is a ${SHAPE_TYPES[shp.header.shapeType]} layer: the first point of each shape is used as its position`);

    const prj = await sidecarText(dataset, '.PRJ');
    const projection = chooseProjection(prj, `${name}.shp`, shp.header.bbox);
    if (projection.warning) warnings.push(projection.warning);

    const header = await DbfReader.open(await dbfEntry.open(), `${name}.dbf`);
    await header.close();
    const encoding = chooseEncoding(await sidecarText(dataset, '.CPG'), header.header.languageDriver);
    if (encoding.warning) warnings.push(encoding.warning);
    const scan = await scanTable(await dbfEntry.open(), `${name}.dbf`, encoding.decode);

    const context: LayerContext = {
      shpPath: `${dataset.root}.shp`,
      baseName: name,
      fields: header.header.fields,
      deereMetadata: await deereMetadata(dataset, warnings),
      distinct: scan.distinct,
      samples: scan.samples,
    };
    const plan = layerPlan(context);
    if (plan.time.kind === 'none') {
      throw new DatasetError(
        `${name}.dbf has no time column (looked for IsoTime, UTC_Date + UTC_Time, ISO-8601 or M/D/YYYY h:mm:ss text, a date field, or an SMS dataset start with Duration_s): every point needs a timestamp`,
      );
    }
    const meta: OperationMeta = {
      id: plan.operationType,
      operationType: plan.operationType,
      originalOperationType: plan.originalOperationType,
      fileFormat: FILE_FORMAT,
      provider: plan.exporter,
      crop: plan.crop,
      varieties: plan.varieties,
      products: plan.products,
      grower: plan.grower,
      farm: plan.farm,
      field: plan.field,
      description: plan.description,
      machinery: plan.machinery,
      columns: plan.mappings.map((m) => m.column),
      warnings: [...warnings, ...plan.warnings],
      reader: READER,
    };
    return [layerSource(meta, plan, dataset, name, projection.transform, encoding.decode)];
  },
};

/** The exporter's name map for a layer: its metadata JSON or path first, then its column names. */
function layerPlan(context: LayerContext): LayerPlan {
  if (isDeereLayer(context)) return deerePlan(context);
  if (isTrimbleLayer(context)) return trimblePlan(context);
  if (isAgLeaderLayer(context)) return agLeaderPlan(context);
  return genericPlan(context, { exporter: 'Other', system: 'imperial', unitReason: 'shapefile from an exporter without a name map: the columns Leaf recognises were read in US units' });
}

function layerSource(
  meta: OperationMeta,
  plan: LayerPlan,
  dataset: Dataset,
  name: string,
  transform: ReturnType<typeof chooseProjection>['transform'],
  decode: ReturnType<typeof chooseEncoding>['decode'],
): OperationSource {
  const warn = (warning: string) => {
    // A second pass over the points must not repeat what the first one found.
    if (!meta.warnings.includes(warning)) meta.warnings.push(warning);
  };
  return {
    meta,
    points(): AsyncIterable<PointBatch> {
      return readLayerPoints(
        { shp: () => dataset.entries.get('.SHP')!.open(), dbf: () => dataset.entries.get('.DBF')!.open(), shpName: `${name}.shp`, dbfName: `${name}.dbf` },
        { mappings: plan.mappings, time: plan.time, decode, transform, warn },
      );
    },
  };
}

function baseName(root: string): string {
  return root.slice(root.lastIndexOf('/') + 1);
}

/** `__MACOSX/` folders and `._name` AppleDouble files that macOS adds to zips (formats.md §4). */
function isMacMetadata(path: string): boolean {
  return /(^|\/)__MACOSX\//.test(path) || /(^|\/)\._[^/]*$/.test(path);
}

/** Trimble AgGPS guidance and boundary layers (`AgGPS/ABLines/...`) hold lines, not machine records. */
function isGuidanceFile(path: string): boolean {
  return /(^|\/)AgGPS\/ABLines\//i.test(path);
}

/** Checks the file code (9994, big-endian) in the first bytes, without reading the rest of the file. */
async function hasShapefileHeader(entry: ArchiveEntry): Promise<boolean> {
  const head = await readHead(entry, 4);
  return head.length >= 4 && head.readInt32BE(0) === 9994;
}

/** A small sibling file's text (.prj, .cpg, metadata JSON); undefined when absent. */
async function sidecarText(dataset: Dataset, suffix: string): Promise<string | undefined> {
  const entry = dataset.entries.get(suffix);
  if (!entry) return undefined;
  if (entry.size > MAX_SIDECAR_BYTES) throw new DatasetError(`${entry.path} is ${entry.size} bytes; a ${suffix.toLowerCase()} file is a few hundred bytes, so this one is not usable`);
  const chunks: Buffer[] = [];
  for await (const chunk of (await entry.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function deereMetadata(dataset: Dataset, warnings: string[]): Promise<unknown> {
  const text = await sidecarText(dataset, DEERE_METADATA);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    warnings.push(`${dataset.entries.get(DEERE_METADATA)!.path} is not valid JSON (${(error as Error).message}); the layer was read from its column names only`);
    return {};
  }
}
