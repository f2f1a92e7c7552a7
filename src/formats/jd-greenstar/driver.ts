import type { OperationType } from '../../model/operations.ts';
import { FURROW_VERSION } from '../../version.ts';
import { closedFormatSource } from '../closed.ts';
import { DatasetError, type ArchiveEntry, type ColumnSpec, type Dataset, type Driver, type OperationMeta, type OperationSource } from '../types.ts';
import { readLogFile, type LogFile } from './log-file.ts';
import { addSetupFile, describeSetup, emptySetupSummary } from './setup-card.ts';
import { furrowUnit, standardFor } from './units.ts';
import { rootElement } from './xml.ts';

const DRIVER = 'jd-greenstar';
const READER = `furrow-jd-greenstar/${FURROW_VERSION}`;
const PROVIDER = 'JohnDeere';
/** ADAPT plugin names of the two displays (leaf-api.md lists no `fileFormat` spelling for them). */
const GS2 = 'GS2_2600';
const GS3 = 'GS3_2630';

const DISPLAY_NAME: Readonly<Record<string, string>> = { [GS2]: 'John Deere GS2 2600', [GS3]: 'John Deere GS3 2630' };

/** `dtOperationClass` values (formats.md §2.1) → Leaf operation types. */
const OPERATION_TYPES: Readonly<Record<string, OperationType>> = {
  dtiHarvest: 'harvested',
  dtiSeeding: 'planted',
  dtiApplication: 'applied',
  dtiTillage: 'tillage',
};

/** Files a GS2 `RCD` folder holds besides other formats: log metadata, log data, load records. */
const GS2_EXTENSIONS = /\.(fdl|fdd|fdr)$/i;

interface Card {
  fileFormat: string;
  /** Folder that identifies the card: `GS3_2630/<profile>/RCD`, the folder holding `Documentation/`, or a GS2 `RCD` folder. */
  root: string;
  logs: ArchiveEntry[];
  /** `setup.fds` files whose root element is `SetupFile` (GS3 setup-only cards). */
  setups: ArchiveEntry[];
}

function parentFolder(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Where a GS3 documentation log sits: `<eic>/Documentation/<XX>/<guid>.fdl`; the card is the `RCD`
 * folder around `EIC` when there is one (so that its setup, context and map files go with it).
 */
function gs3CardRoot(path: string): string | undefined {
  const match = /^(?:(.*)\/)?Documentation\/[^/]+\/[^/]+$/i.exec(path);
  if (!match) return undefined;
  const eic = match[1] ?? '';
  const rcd = /^(.*(?:^|\/)RCD)\/EIC$/i.exec(eic);
  return rcd ? rcd[1]! : eic;
}

/** The card of a `setup.fds`: the `RCD` folder around its `EIC` folder, or its own folder. */
function setupCardRoot(path: string): string {
  const folder = parentFolder(path).replace(/\/$/, '');
  const rcd = /^(.*(?:^|\/)RCD)\/EIC$/i.exec(folder);
  return rcd ? rcd[1]! : folder;
}

function within(root: string, path: string): boolean {
  return root === '' || path.toLowerCase().startsWith(root.toLowerCase() + '/');
}

function relativeKey(root: string, path: string): string {
  return (root === '' ? path : path.slice(root.length + 1)).toUpperCase();
}

/**
 * John Deere GreenStar 2 (2600) and GreenStar 3 (2630) cards. Every logged run is a `.fdl` XML log
 * (root `RCDLogFile`: setup snapshot, operation class, columns and units) plus a `.fdd` of binary
 * records in Deere's closed "EvenByteDelta" encoding. Detection keys on the log's XML root and the
 * card layout (`RCD/*.fdl` for GS2, `…/EIC/Documentation/<XX>/*.fdl` for GS3), never on a name
 * alone; each log becomes one operation whose metadata is read and whose points fail with a reason
 * (formats.md §2.1). A GS3 card holding only `setup.fds` (root `SetupFile`) is a setup card with
 * no operations, reported as such.
 */
export const jdGreenStarDriver: Driver = {
  name: DRIVER,
  providers: [PROVIDER],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const cards = new Map<string, Card>();
    const card = (root: string, fileFormat: string): Card => {
      const key = `${fileFormat}\n${root.toLowerCase()}`;
      let found = cards.get(key);
      if (!found) cards.set(key, (found = { fileFormat, root, logs: [], setups: [] }));
      return found;
    };
    for (const entry of entries) {
      const lower = entry.path.toLowerCase();
      if (lower.endsWith('.fdl')) {
        if ((await rootElement(entry)) !== 'RCDLogFile') continue;
        const gs3 = gs3CardRoot(entry.path);
        if (gs3 !== undefined) card(gs3, GS3).logs.push(entry);
        else card(parentFolder(entry.path).replace(/\/$/, ''), GS2).logs.push(entry);
      } else if (baseName(lower) === 'setup.fds') {
        if ((await rootElement(entry)) !== 'SetupFile') continue;
        card(setupCardRoot(entry.path), GS3).setups.push(entry);
      }
    }
    const datasets: Dataset[] = [];
    for (const found of cards.values()) {
      // A setup file beside documentation logs belongs to that card, which has operations.
      if (found.logs.length === 0 && [...cards.values()].some((c) => c !== found && c.logs.length > 0 && c.root.toLowerCase() === found.root.toLowerCase())) continue;
      const files = new Map<string, ArchiveEntry>();
      for (const entry of entries) {
        if (!within(found.root, entry.path)) continue;
        const relative = relativeKey(found.root, entry.path);
        // A GS2 card is one flat RCD folder; a GS3 card is the whole RCD tree of one profile.
        if (found.fileFormat === GS2 && (relative.includes('/') || !GS2_EXTENSIONS.test(relative))) continue;
        // Under a display's RCD folder everything is the card's; elsewhere only the files an EIC folder holds.
        if (found.fileFormat === GS3 && !/(^|\/)RCD$/i.test(found.root) && !isGs3File(relative)) continue;
        if (!files.has(relative)) files.set(relative, entry);
      }
      datasets.push({ driver: DRIVER, fileFormat: found.fileFormat, root: found.root === '' ? found.fileFormat : found.root, entries: files });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const display = DISPLAY_NAME[dataset.fileFormat] ?? 'John Deere GreenStar';
    const logKeys = [...dataset.entries.keys()].filter((k) => k.endsWith('.FDL')).sort();
    if (logKeys.length === 0) return readSetupCard(dataset, display);

    // `.fdd` names are GUIDs, unique on a card; resolving them by name also covers `EIC/`-relative paths.
    const dataByName = new Map<string, ArchiveEntry>();
    for (const [key, entry] of dataset.entries) if (key.endsWith('.FDD')) dataByName.set(baseName(key), entry);

    const sources: OperationSource[] = [];
    const skipped: string[] = [];
    for (const key of logKeys) {
      const entry = dataset.entries.get(key)!;
      const fileName = baseName(entry.path);
      let log: LogFile;
      try {
        log = await readLogFile(await entry.open(), fileName);
      } catch (error) {
        skipped.push(`${fileName}: ${(error as Error).message}`);
        continue;
      }
      const known = log.operationClasses.filter((c) => c in OPERATION_TYPES);
      if (known.length === 0) {
        const classes = log.operationClasses.length === 0 ? 'no operation class' : `operation class ${log.operationClasses.join(', ')}`;
        skipped.push(`${fileName}: ${classes}, which is not planting, application, harvest or tillage`);
        continue;
      }
      const type = OPERATION_TYPES[known[0]!]!;
      const meta = operationMeta(dataset, display, fileName, log, type, known[0]!);
      if (known.length > 1) meta.warnings.push(`${fileName} also records ${known.slice(1).join(', ')}; listed as ${type}, its first operation class`);
      const missing = log.dataFiles.filter((p) => !dataByName.has(baseName(p).toUpperCase()));
      sources.push(closedFormatSource(meta, closedReason(display, fileName, log, known[0]!, missing)));
    }
    if (sources.length === 0) {
      throw new DatasetError(`${dataset.root}: ${display} card with ${logKeys.length} log(s) but no operation to convert: ${skipped.join('; ')}`);
    }
    // Logs that are not operations are reported with every operation of the card, like ISOXML's card-level warnings.
    for (const source of sources) source.meta.warnings.unshift(...skipped.map((s) => `not listed: ${s}`));
    return sources;
  },
};

/** Names that belong to a GS3 `EIC` folder, for a card zipped without its `…/RCD` folder around it. */
function isGs3File(relative: string): boolean {
  return /^DOCUMENTATION\//.test(relative) || /\.(FDL|FDD|FDR|FDS|FDS\.BAK|SPATIALCATALOG|FDSHAPE|FDDATA)$/.test(relative) || /^(GLOBAL\.VER|HOST|LASTSETUP\.BIN)$/.test(relative);
}

function operationMeta(dataset: Dataset, display: string, fileName: string, log: LogFile, type: OperationType, operationClass: string): OperationMeta {
  const columns: ColumnSpec[] = [];
  for (const column of log.columns) {
    // Positions become each point's geometry, not value columns.
    if (column.representation === 'vrLatitude' || column.representation === 'vrLongitude') continue;
    const spec: ColumnSpec = {
      key: column.id,
      label: `${column.representation} (${column.id}${column.jdUnit ? `, ${column.jdUnit}` : ''})`,
      kind: column.defined ? 'string' : 'number',
    };
    const unit = furrowUnit(column.jdUnit);
    if (unit !== undefined) spec.unit = unit;
    const standard = column.defined ? undefined : standardFor(column.representation, unit, type);
    if (standard !== undefined && !columns.some((c) => c.standard === standard)) spec.standard = standard;
    columns.push(spec);
  }
  const meta: OperationMeta = {
    id: `${fileName.replace(/\.fdl$/i, '')}-${type}`,
    operationType: type,
    originalOperationType: operationClass,
    fileFormat: dataset.fileFormat,
    provider: PROVIDER,
    varieties: log.varieties,
    products: log.products,
    machinery: log.machinery.map((m) => (m.serialNumber?.trim() ? { ...m, serialNumber: m.serialNumber.trim() } : { name: m.name, type: m.type })),
    columns,
    warnings: [],
    reader: READER,
  };
  if (log.crop) meta.crop = log.crop.toLowerCase();
  if (log.client) meta.grower = log.client;
  if (log.farm) meta.farm = log.farm;
  if (log.field) meta.field = log.field;
  const when = log.startTimes.length > 0 ? `, logged from ${log.startTimes[0]}` : '';
  meta.description = `${display} log ${fileName}${log.task ? ` (task "${log.task}")` : ''}${when}, ${log.blocks} block(s)`;
  return meta;
}

function closedReason(display: string, fileName: string, log: LogFile, operationClass: string, missing: string[]): string {
  // Deere's own word for the operation (`dtiHarvest` → harvest), as the display shows it.
  const word = operationClass.replace(/^dti/, '').toLowerCase();
  const what = [word, log.crop?.toLowerCase(), log.field !== undefined ? `field ${log.field}` : undefined].filter((p) => p !== undefined).join(', ');
  const head = `${display} log '${fileName}' (${what})`;
  if (log.dataFiles.length === 0) return `${head}: it names no .fdd point-data file; Furrow reads its metadata, and its point data would be John Deere's closed binary format, which Furrow cannot convert yet`;
  if (missing.length > 0) {
    return `${head}: its point data file ${missing.map((m) => `'${baseName(m)}'`).join(', ')} is missing from the upload (and is John Deere's closed binary format, which Furrow cannot convert yet); Furrow read its metadata only`;
  }
  const data = log.dataFiles.map((p) => baseName(p)).join(', ');
  return `${head}: its point data (${data}) is John Deere's closed binary format; Furrow reads its metadata but cannot convert its points yet`;
}

/** A card without logs: reads its setup and spatial catalogs to say what it holds, then reports it has no operations. */
async function readSetupCard(dataset: Dataset, display: string): Promise<never> {
  const summary = emptySetupSummary();
  const problems: string[] = [];
  for (const [key, entry] of dataset.entries) {
    if (!/(^|\/)SETUP\.FDS$/.test(key) && !key.endsWith('.SPATIALCATALOG')) continue;
    try {
      await addSetupFile(await entry.open(), baseName(entry.path), summary);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const unread = problems.length > 0 ? ` (could not read: ${problems.join('; ')})` : '';
  throw new DatasetError(`${dataset.root}: ${display} setup card (${describeSetup(summary)}): no operations to convert${unread}`);
}
