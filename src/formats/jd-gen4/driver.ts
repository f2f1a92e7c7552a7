import type { OperationType } from '../../model/operations.ts';
import { FURROW_VERSION } from '../../version.ts';
import { closedFormatSource } from '../closed.ts';
import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type Machine, type OperationMeta, type OperationSource } from '../types.ts';
import { checkFrameChain, firstByte, FRAME_MARKER } from './frames.ts';
import { pointSource } from './source.ts';
import { readSessionFile, type SessionFile } from './session.ts';

const DRIVER = 'jd-gen4';
const READER = `furrow-jd-gen4/${FURROW_VERSION}`;
const PROVIDER = 'JohnDeere';
/** leaf-api.md spells no `fileFormat` for Gen4; this is the ADAPT plugin name, as jd-greenstar does for GS2/GS3. */
export const GEN4_FILE_FORMAT = 'GS4_4600';
const DISPLAY = 'John Deere Gen4';

/** Session header 5.20.1.6 → Leaf operation type; evidence per value in FORMAT.md. */
const OPERATION_KINDS: ReadonlyMap<number, { type: OperationType; word: string }> = new Map([
  [1, { type: 'applied', word: 'application' }],
  [2, { type: 'planted', word: 'seeding' }],
  [4, { type: 'tillage', word: 'tillage' }],
  [8, { type: 'harvested', word: 'harvest' }],
]);

/**
 * Operation types whose points Furrow publishes: those whose conversion of the sample run passes
 * every acceptance check against John Deere's own export (test/formats/jd-gen4/oracle.test.ts:
 * count, span, mean rate / yield, positions). Harvest passes since the grain measured with the
 * header up is given back to the harvested seconds next to it, as the export does (grain-spread.ts).
 */
export const CONVERTED_TYPES: readonly OperationType[] = ['applied', 'planted', 'harvested'];

/** Why points of this operation type are not converted; becomes part of the file's statusDetails. */
function closedReason(type: OperationType): string {
  if (type === 'tillage') return 'no John Deere export of a tillage run exists to check its channels against';
  return 'the conversion of this operation type is not enabled in this driver';
}

function parentFolder(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A `.jdl` whose first byte is the frame marker and whose frames chain exactly to end of file. */
async function isGen4Log(entry: ArchiveEntry): Promise<boolean> {
  if (!/\.jdl$/i.test(entry.path) || entry.size < 5) return false;
  if ((await firstByte(await entry.open())) !== FRAME_MARKER) return false;
  return (await checkFrameChain(await entry.open())).ok;
}

/** The Gen4 driver publishing points for `converted` operation types (harvest, application and planting are supported). */
export function createJdGen4Driver(converted: readonly OperationType[] = CONVERTED_TYPES): Driver {
  return {
    name: DRIVER,
    providers: [PROVIDER],

    async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
      // One dataset per log folder: the display writes one folder per run (`JD-Data/log/<year>_<name>/`).
      const byFolder = new Map<string, Map<string, ArchiveEntry>>();
      for (const entry of entries) {
        if (!(await isGen4Log(entry))) continue;
        const folder = parentFolder(entry.path);
        let files = byFolder.get(folder);
        if (!files) byFolder.set(folder, (files = new Map()));
        files.set(baseName(entry.path).toUpperCase(), entry);
      }
      return [...byFolder].map(([folder, files]) => ({ driver: DRIVER, fileFormat: GEN4_FILE_FORMAT, root: folder === '' ? baseName([...files.values()][0]!.path) : folder, entries: files }));
    },

    async read(dataset: Dataset): Promise<OperationSource[]> {
      const folder = baseName(dataset.root);
      const sessions: SessionFile[] = [];
      const skipped: string[] = [];
      for (const key of [...dataset.entries.keys()].sort()) {
        const entry = dataset.entries.get(key)!;
        try {
          sessions.push(await readSessionFile(entry));
        } catch (error) {
          if (!(error instanceof Error) || (error.name !== 'FrameError' && error.name !== 'WireError')) throw error;
          skipped.push(`${baseName(entry.path)}: ${error.message}`);
        }
      }
      if (sessions.length === 0) throw new DatasetError(`${dataset.root}: no readable ${DISPLAY} log: ${skipped.join('; ')}`);

      // Sessions of one folder share an operation in every sample; group by kind in case one does not.
      const groups = new Map<number | undefined, SessionFile[]>();
      for (const session of sessions) {
        const kind = session.header.operationKind;
        const group = groups.get(kind);
        if (group) group.push(session);
        else groups.set(kind, [session]);
      }
      const sources: OperationSource[] = [];
      for (const [kind, group] of groups) {
        const known = kind === undefined ? undefined : OPERATION_KINDS.get(kind);
        if (!known) {
          skipped.push(`${group.length} log(s) with operation code ${kind ?? '(none)'}, which Furrow cannot map to planting, application, harvest or tillage`);
          continue;
        }
        const meta = operationMeta(dataset, group, known.type, known.word, kind!);
        // Harvest, application and planting points reproduce the Operations Center export (FORMAT.md, "Status").
        const source = converted.includes(known.type) ? pointSource(meta, group) : closedReason(known.type);
        sources.push(typeof source === 'string' ? closedFormatSource(meta, `${DISPLAY} .jdl ${known.word} log '${folder}': metadata read, but ${source} (see src/formats/jd-gen4/FORMAT.md), so no points are converted`) : source);
      }
      if (sources.length === 0) throw new DatasetError(`${dataset.root}: ${DISPLAY} logs with no operation to convert: ${skipped.join('; ')}`);
      for (const source of sources) source.meta.warnings.push(...skipped.map((s) => `not read: ${s}`));
      return sources;
    },
  };
}

export const jdGen4Driver: Driver = createJdGen4Driver();

function firstOf<T>(sessions: readonly SessionFile[], pick: (s: SessionFile) => T | undefined): T | undefined {
  for (const session of sessions) {
    const value = pick(session);
    if (value !== undefined) return value;
  }
  return undefined;
}

function unionOf(sessions: readonly SessionFile[], pick: (s: SessionFile) => readonly string[]): string[] {
  return [...new Set(sessions.flatMap(pick))];
}

function operationMeta(dataset: Dataset, sessions: SessionFile[], type: OperationType, word: string, kind: number): OperationMeta {
  sessions.sort((a, b) => (a.header.startTime ?? Infinity) - (b.header.startTime ?? Infinity));
  const machinery: Machine[] = [];
  const seen = new Set<string>();
  for (const session of sessions) {
    for (const device of session.header.devices) {
      const key = `${device.name}\n${device.serialNumber ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      machinery.push({ name: device.name, type: device.role === 2 ? 'implement' : 'machine', ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}), brand: 'John Deere' });
    }
  }
  const meta: OperationMeta = {
    id: type,
    operationType: type,
    originalOperationType: `${word} (Gen4 operation code ${kind})`,
    fileFormat: GEN4_FILE_FORMAT,
    provider: PROVIDER,
    varieties: unionOf(sessions, (s) => s.header.varieties),
    products: unionOf(sessions, (s) => s.header.products).map((name) => ({ name })),
    machinery,
    columns: [],
    warnings: [],
    reader: READER,
  };
  const crop = firstOf(sessions, (s) => s.header.crop);
  if (crop) meta.crop = crop.toLowerCase();
  const client = firstOf(sessions, (s) => s.header.client);
  if (client) meta.grower = client;
  const farm = firstOf(sessions, (s) => s.header.farm);
  if (farm) meta.farm = farm;
  const field = firstOf(sessions, (s) => s.header.field);
  if (field) meta.field = field;
  meta.description = describe(dataset, sessions);
  return meta;
}

function describe(dataset: Dataset, sessions: readonly SessionFile[]): string {
  const starts = sessions.map((s) => s.header.startTime).filter((t): t is number => t !== undefined);
  const frames = sessions.reduce((n, s) => n + s.frames, 0);
  const serial = firstOf(sessions, (s) => s.header.displaySerial);
  const software = firstOf(sessions, (s) => s.header.softwareVersion);
  const units = [...new Set(sessions.flatMap((s) => s.header.channels.map((c) => c.unit).filter((u): u is string => u !== undefined)))].sort();
  const parts = [
    `${DISPLAY} display${serial ? ` ${serial}` : ''}${software ? ` (software ${software})` : ''}`,
    `log folder '${baseName(dataset.root)}': ${sessions.length} session file(s), ${frames} frames`,
  ];
  if (starts.length > 0) parts.push(`sessions started ${new Date(Math.min(...starts)).toISOString()} – ${new Date(Math.max(...starts)).toISOString()}`);
  if (units.length > 0) parts.push(`channel units ${units.join(', ')}`);
  return parts.join('; ');
}
