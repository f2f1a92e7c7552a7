import type { PointBatch } from '../../model/batch.ts';
import { FURROW_VERSION } from '../../version.ts';
import { isMessage, readVarint, WireError } from '../protobuf/wire.ts';
import { DatasetError, type ArchiveEntry, type ColumnSpec, type Dataset, type Driver, type MachineTotal, type OperationMeta, type OperationSource } from '../types.ts';
import { ByteReader, lengthPrefixedFrames, topLevelFields, wrapWire } from './bytes.ts';
import { FIELD_MAP_COLUMNS, FIELD_MAP_MAGIC, FieldMapDecoder, planterSetup, readFieldMapHeader } from './fieldmap.ts';
import { decodeHarvestRecord, HARVEST_COLUMNS, parseHarvestHeader, type HarvestHeader } from './harvest.ts';
import { decodeLiquidRecord, LIQUID_COLUMNS, parseLiquidHeader, productUses, type LiquidHeader } from './liquid.ts';
import { Message } from './message.ts';
import { parseClimateName, SUMMARY_SEQ, type ClimateKind } from './names.ts';
import { BatchWriter, type PointRow } from './points.ts';

const DRIVER = 'climate';
/** Leaf's `fileFormat` for Climate FieldView `.dat` uploads (leaf-api.md §1, 2020 upload list). */
const FILE_FORMAT = 'DATCLIMATE';
const PROVIDER = 'ClimateFieldView';
const READER = `furrow-climate/${FURROW_VERSION}`;
/** Enough for the header message that opens harvest and liquid maps (< 1 KB in the samples). */
const SNIFF_BYTES = 16 * 1024;

/** Top-level field numbers (FORMAT.md): harvest header / record, liquid header / record. */
const HARVEST_HEADER = 4;
const HARVEST_RECORD = 3;
const LIQUID_HEADER = 1;
const LIQUID_RECORD = 2;

/**
 * Climate FieldView / Precision Planting 20|20 Gen1/2 `.dat` driver. A dataset is one logging
 * session, i.e. the numbered files that share a name stem (`harvest_1_Corn_2015_09_22_000…999`,
 * `field_map_2015_05_01_*`, `liquid_map_2017_06_22_*`), each file confirmed by its content (a
 * protobuf first field, or the field map's text header); the session is one operation. The
 * protobuf layout has no public schema: FORMAT.md lists every field used and the evidence for it.
 */
export const climateDriver: Driver = {
  name: DRIVER,
  providers: ['ClimateFieldView', 'PrecisionPlanting'],

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const sessions = new Map<string, { kind: ClimateKind; root: string; files: Map<string, ArchiveEntry> }>();
    for (const entry of entries) {
      const slash = entry.path.lastIndexOf('/');
      const folder = entry.path.slice(0, slash + 1);
      const base = entry.path.slice(slash + 1);
      const name = parseClimateName(base);
      if (!name || !(await contentMatches(entry, name.kind))) continue;
      const root = `${folder}${name.session}`;
      let session = sessions.get(root);
      if (!session) sessions.set(root, (session = { kind: name.kind, root, files: new Map() }));
      session.files.set(base.toUpperCase(), entry);
    }
    return [...sessions.values()].map((s) => ({ driver: DRIVER, fileFormat: FILE_FORMAT, root: s.root, entries: s.files }));
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const files = orderedFiles(dataset);
    const kind = files[0]!.kind;
    if (kind === 'harvest') return [await harvestSource(dataset, files)];
    if (kind === 'liquid_map') return [await liquidSource(dataset, files)];
    return [await fieldMapSource(dataset, files)];
  },
};

interface SessionFile {
  kind: ClimateKind;
  seq: number;
  name: string;
  entry: ArchiveEntry;
}

function orderedFiles(dataset: Dataset): SessionFile[] {
  const files: SessionFile[] = [];
  for (const entry of dataset.entries.values()) {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const parsed = parseClimateName(name);
    if (parsed) files.push({ kind: parsed.kind, seq: parsed.seq, name, entry });
  }
  if (files.length === 0) throw new DatasetError(`${dataset.root}: no Climate .dat files in this dataset`);
  return files.sort((a, b) => a.seq - b.seq);
}

/** Checks the first bytes: the field map's text header, or a protobuf message whose first sub-message is whole and valid. */
async function contentMatches(entry: ArchiveEntry, kind: ClimateKind): Promise<boolean> {
  let reader: ByteReader | undefined;
  try {
    reader = new ByteReader(await entry.open(), entry.path);
    await reader.fill(Math.max(SNIFF_BYTES, FIELD_MAP_MAGIC.length));
    const head = reader.peek();
    if (kind === 'field_map') return head.subarray(0, FIELD_MAP_MAGIC.length).toString('latin1') === FIELD_MAP_MAGIC;
    return startsWithMessage(head, entry.size);
  } catch {
    return false;
  } finally {
    reader?.close();
  }
}

/**
 * True when the head starts like a protobuf message: up to the first length-delimited field, every
 * field has a known wire type, and that field (the header message in every sample) lies whole
 * within the head and parses as a message. Text or other binaries fail within a few bytes.
 */
export function startsWithMessage(head: Uint8Array, fileSize: number): boolean {
  try {
    let pos = 0;
    for (let n = 0; n < 4 && pos < head.length; n++) {
      const [key, afterKey] = readVarint(head, pos, head.length);
      const wireType = key % 8;
      if (key < 8) return false;
      if (wireType === 0) pos = readVarint(head, afterKey, head.length)[1];
      else if (wireType === 1 || wireType === 5) pos = afterKey + (wireType === 1 ? 8 : 4);
      else if (wireType === 2) {
        const [length, start] = readVarint(head, afterKey, head.length);
        if (length === 0 || start + length > Math.min(head.length, fileSize)) return false;
        return isMessage(head, start, start + length);
      } else return false;
    }
    return false;
  } catch (error) {
    if (error instanceof WireError) return false;
    throw error;
  }
}

function baseMeta(id: string, operationType: OperationMeta['operationType'], columns: readonly ColumnSpec[]): OperationMeta {
  return {
    id,
    operationType,
    originalOperationType: '',
    fileFormat: FILE_FORMAT,
    provider: PROVIDER,
    varieties: [],
    products: [],
    machinery: [],
    columns: [...columns],
    warnings: [],
    reader: READER,
  };
}

/**
 * Reads a single-message file up to the first top-level field `wanted` and decodes it with `parse`
 * (a WireError in it becomes a DatasetError naming the file); undefined when the file has none.
 */
async function firstTopLevel<T>(file: SessionFile, wanted: number, parse: (message: Message) => T): Promise<T | undefined> {
  const reader = new ByteReader(await file.entry.open(), file.name);
  try {
    for await (const top of topLevelFields(reader)) {
      if (top.field === wanted && top.wireType === 2) return wrapWire(reader, top.offset, () => parse(new Message(top.payload)));
    }
    return undefined;
  } finally {
    reader.close();
  }
}

/** The last top-level field `wanted` of a single-message file, decoded with `parse`; undefined when it has none. */
async function lastTopLevel<T>(file: SessionFile, wanted: number, parse: (message: Message) => T): Promise<T | undefined> {
  const reader = new ByteReader(await file.entry.open(), file.name);
  let last: T | undefined;
  try {
    for await (const top of topLevelFields(reader)) {
      if (top.field === wanted && top.wireType === 2) last = wrapWire(reader, top.offset, () => parse(new Message(top.payload)));
    }
    return last;
  } finally {
    reader.close();
  }
}

/** Streams the records of every file in sequence order as batches. */
async function* recordBatches(
  files: readonly SessionFile[],
  columns: readonly ColumnSpec[],
  recordField: number,
  decode: (record: Message) => PointRow | undefined,
): AsyncGenerator<PointBatch> {
  const writer = new BatchWriter(columns);
  for (const file of files) {
    const reader = new ByteReader(await file.entry.open(), file.name);
    try {
      for await (const top of topLevelFields(reader)) {
        if (top.field !== recordField || top.wireType !== 2) continue;
        const row = wrapWire(reader, top.offset, () => decode(new Message(top.payload)));
        const full = row && writer.push(row);
        if (full) yield full;
      }
    } finally {
      reader.close();
    }
  }
  const last = writer.flush();
  if (last) yield last;
}

async function harvestSource(dataset: Dataset, files: SessionFile[]): Promise<OperationSource> {
  // The header is repeated in every file; the first data file's is the session's as it started.
  let h: HarvestHeader | undefined;
  for (const file of [...files.filter((f) => f.seq !== SUMMARY_SEQ), ...files.filter((f) => f.seq === SUMMARY_SEQ)]) {
    h = await firstTopLevel(file, HARVEST_HEADER, parseHarvestHeader);
    if (h) break;
  }
  if (!h) throw new DatasetError(`${dataset.root}: no Climate harvest header (field ${HARVEST_HEADER}) in any of its ${files.length} file(s)`);
  const name = dataset.root.slice(dataset.root.lastIndexOf('/') + 1);
  const meta = baseMeta(name, 'harvested', HARVEST_COLUMNS);
  Object.assign(meta, {
    originalOperationType: h.operationName ?? 'Harvesting',
    crop: h.crop?.toLowerCase(),
    grower: h.grower,
    farm: h.farm,
    field: h.field,
    machinery: h.machinery,
    description: [
      h.yieldSystem ? `yield system ${h.yieldSystem}` : undefined,
      h.standardMoisturePct !== undefined ? `standard moisture ${h.standardMoisturePct} %` : undefined,
      h.testWeightLbPerBu !== undefined ? `test weight ${h.testWeightLbPerBu} lb/${h.yieldUnit ?? 'bu'}` : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  });
  if (!files.some((f) => f.seq !== SUMMARY_SEQ)) meta.warnings.push(`${dataset.root}: only the session summary (_999) is present, which holds no point records`);
  const dataFiles = files.filter((f) => f.seq !== SUMMARY_SEQ);
  const load = await sessionLoadTotal(dataFiles, files.find((f) => f.seq === SUMMARY_SEQ), meta.warnings);
  if (load) meta.machineTotals = [load];
  const header = h;
  return { meta, points: () => recordBatches(dataFiles, HARVEST_COLUMNS, HARVEST_RECORD, (record) => decodeHarvestRecord(record, header)) };
}

/**
 * The grain the monitor counted over the session: its running load total (header 4.12.3, wet lb)
 * in the session summary (_999) minus the total when the first data file started. Each data file's
 * header holds the total as of its start (0.03, 2.95, 539.83 … lb on the sample, then 24,054.79 in
 * _999), which must never fall: a fall means a new load was started mid-session, and the session's
 * figure is then unknown.
 */
async function sessionLoadTotal(dataFiles: readonly SessionFile[], summary: SessionFile | undefined, warnings: string[]): Promise<MachineTotal | undefined> {
  if (!summary || dataFiles.length === 0) return undefined;
  const totals: number[] = [];
  let name: string | undefined;
  for (const file of dataFiles) {
    const header = await firstTopLevel(file, HARVEST_HEADER, parseHarvestHeader);
    if (header?.loadTotalLb === undefined) return undefined;
    totals.push(header.loadTotalLb);
    name ??= header.loadName;
  }
  const end = await lastTopLevel(summary, HARVEST_HEADER, parseHarvestHeader);
  if (end?.loadTotalLb === undefined) return undefined;
  totals.push(end.loadTotalLb);
  if (totals.some((t, i) => i > 0 && t < totals[i - 1]!)) {
    warnings.push(`the monitor's load total (4.12.3) falls during the session (${totals.join(', ')} lb at the file starts and in the summary): a new load was started, so the session's harvested mass cannot be reconciled with the monitor's`);
    return undefined;
  }
  return {
    quantity: 'yieldMass',
    // Both are logged to 0.01 lb; rounding drops the float subtraction's noise.
    value: Math.round((end.loadTotalLb - totals[0]!) * 100) / 100,
    unit: 'lb',
    label: `Climate monitor load total${name ? ` "${name}"` : ''} (header 4.12.3, wet): ${end.loadTotalLb} lb in the session summary ${summary.name} − ${totals[0]} lb at the session's start`,
  };
}

async function liquidSource(dataset: Dataset, files: SessionFile[]): Promise<OperationSource> {
  let found: LiquidHeader | undefined;
  for (const file of files) {
    found = await firstTopLevel(file, LIQUID_HEADER, parseLiquidHeader);
    if (found) break;
  }
  if (!found) throw new DatasetError(`${dataset.root}: no Climate liquid-map header (field ${LIQUID_HEADER}) in any of its ${files.length} file(s)`);
  const header: LiquidHeader = found;
  const name = dataset.root.slice(dataset.root.lastIndexOf('/') + 1);
  const meta = baseMeta(name, 'applied', LIQUID_COLUMNS);
  Object.assign(meta, {
    originalOperationType: 'liquid_map',
    grower: header.grower,
    farm: header.farm,
    field: header.field,
    machinery: header.machinery,
    products: productUses(header),
    description: [
      header.field ? `task "${header.field}"` : undefined,
      header.mixName ? `mix "${header.mixName}"${header.mixRate !== undefined ? ` target rate ${header.mixRate} (unit not identified)` : ''}` : undefined,
      header.boomWidthIn !== undefined ? `boom ${header.boomWidthIn} in` : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  });
  meta.warnings.push(
    'Climate liquid map: the applied rate is the logged volume over the logged area per nozzle; the file does not label the volume unit, which is taken as US gallons (see FORMAT.md)',
  );
  return { meta, points: () => recordBatches(files, LIQUID_COLUMNS, LIQUID_RECORD, (record) => decodeLiquidRecord(record, header)) };
}

async function fieldMapSource(dataset: Dataset, files: SessionFile[]): Promise<OperationSource> {
  const reader = new ByteReader(await files[0]!.entry.open(), files[0]!.name);
  let setup;
  try {
    setup = planterSetup(await readFieldMapHeader(reader));
  } finally {
    reader.close();
  }
  const name = dataset.root.slice(dataset.root.lastIndexOf('/') + 1);
  const meta = baseMeta(name, 'planted', FIELD_MAP_COLUMNS);
  Object.assign(meta, {
    originalOperationType: 'field_map',
    crop: setup.crop?.toLowerCase(),
    grower: setup.grower,
    farm: setup.farm,
    field: setup.field,
    varieties: setup.hybrids,
    machinery: setup.machinery,
    description: [
      setup.prescription ? `prescription "${setup.prescription}"` : undefined,
      setup.driveSystem ? `drive ${setup.driveSystem}` : undefined,
      setup.downForceSystem ? `down force ${setup.downForceSystem}` : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  });
  if (setup.rowOffsetsFt.length === 0) meta.warnings.push(`${dataset.root}: the header gives no row offsets; every row is placed at the planter position`);
  const points = async function* (): AsyncGenerator<PointBatch> {
    const writer = new BatchWriter(FIELD_MAP_COLUMNS);
    // One decoder for the session: the files continue one another, so the direction of travel carries over.
    const decoder = new FieldMapDecoder(setup);
    for (const file of files) {
      const fileReader = new ByteReader(await file.entry.open(), file.name);
      try {
        await readFieldMapHeader(fileReader);
        for await (const frame of lengthPrefixedFrames(fileReader)) {
          const rows = wrapWire(fileReader, frame.offset, () => decoder.decode(new Message(frame.payload)));
          for (const row of rows) {
            const full = writer.push(row);
            if (full) yield full;
          }
        }
      } finally {
        fileReader.close();
      }
    }
    const last = writer.flush();
    if (last) yield last;
  };
  return { meta, points };
}
