import type { Readable } from 'node:stream';
import type { PointBatch } from '../../model/batch.ts';
import { FURROW_VERSION } from '../../version.ts';
import { DatasetError, type ArchiveEntry, type Dataset, type Driver, type OperationMeta, type OperationSource } from '../types.ts';
import { sniff } from '../sniff.ts';
import { describeDataLogValues } from './columns.ts';
import { planTask, POSITION_COLUMNS, type PlannedOperation, type TimeLogInfo } from './plan.ts';
import { addCounts, countReadings, decideReading, emptyCounts, type ReadingCounts } from './plausibility.ts';
import { SectionWorkCalculator } from './sections.ts';
import { readTaskData, type Task, type TaskData } from './taskdata.ts';
import { parseTimeLogHeader } from './timelog-header.ts';
import { decodeTimeLog, TimeLogDecoder, type DecodeSpec, type PositionColumns } from './timelog.ts';

const DRIVER = 'isoxml';
const FILE_FORMAT = 'ISO11783';
const READER = `furrow-isoxml/${FURROW_VERSION}`;
const ROOT_ELEMENT = 'ISO11783_TaskData';
/** Enough for an XML declaration, comments and a DOCTYPE before the root element. */
const SNIFF_BYTES = 64 * 1024;

/**
 * ISO 11783-10 TASKDATA (ISOXML) driver. A dataset is the folder of a TASKDATA.XML whose root
 * element is ISO11783_TaskData, whatever the case of its name or the folders around it; an
 * operation is one operation type of one task (`TSK2-applied`), or of one metering element of it
 * when the task's elements meter different products (`TSK2-applied-DET-15`), streamed from the
 * task's binary timelogs. Where a standard column's dictionary and device readings disagree, the
 * timelogs that log it are read once more while listing the operations, to decide which reading
 * to use (plausibility.ts).
 */
export const isoxmlDriver: Driver = {
  name: DRIVER,

  async detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]> {
    const datasets: Dataset[] = [];
    const claimedFolders = new Set<string>();
    // Each folder's own files, found once: a zip of 30,000 TASKDATA folders must not compare every entry with every other.
    const byFolder = new Map<string, ArchiveEntry[]>();
    for (const entry of entries) {
      const folder = entry.path.slice(0, entry.path.lastIndexOf('/') + 1);
      const list = byFolder.get(folder);
      if (list) list.push(entry);
      else byFolder.set(folder, [entry]);
    }
    for (const entry of entries) {
      const lower = entry.path.toLowerCase();
      if (lower !== 'taskdata.xml' && !lower.endsWith('/taskdata.xml')) continue;
      const folder = entry.path.slice(0, entry.path.length - 'taskdata.xml'.length);
      if (claimedFolders.has(folder) || !(await hasTaskDataRoot(entry))) continue;
      claimedFolders.add(folder);
      const files = new Map<string, ArchiveEntry>();
      // Only the folder's own files: a TASKDATA in a sub-folder is a dataset of its own.
      for (const other of byFolder.get(folder) ?? []) {
        const key = other.path.slice(folder.length).toUpperCase();
        if (!files.has(key)) files.set(key, other);
      }
      datasets.push({ driver: DRIVER, fileFormat: FILE_FORMAT, root: folder === '' ? entry.path : folder.slice(0, -1), entries: files });
    }
    return datasets;
  },

  async read(dataset: Dataset): Promise<OperationSource[]> {
    const main = dataset.entries.get('TASKDATA.XML');
    if (!main) throw new DatasetError(`${dataset.root}: TASKDATA.XML is missing`);
    const open = async (name: string): Promise<Readable | undefined> => dataset.entries.get(name)?.open();
    const data = await readTaskData(await main.open(), 'TASKDATA.XML', open);

    const sources: OperationSource[] = [];
    const datasetWarnings = [...data.warnings];
    const usedIds = new Set<string>();
    let timeLogCount = 0;
    // Value counts per timelog and column, shared by the operations that read the same timelog.
    const readingCounts = new Map<string, ReadingCounts>();
    for (const task of data.tasks) {
      const { logs, warnings: logWarnings } = await readTimeLogHeaders(dataset, data, task);
      timeLogCount += logs.length;
      const plan = planTask(data, task, logs);
      const taskWarnings = [...logWarnings, ...plan.warnings];
      if (task.utcOffsets.length > 0 && plan.operations.length > 0) {
        taskWarnings.push(
          `${task.id}: the task controller writes its times with UTC offset ${task.utcOffsets.join(', ')}; timelog times are taken as UTC as recorded (ISO 11783-10 binary times carry no zone), so they may be off by that offset`,
        );
      }
      if (plan.operations.length === 0) {
        datasetWarnings.push(...taskWarnings);
        continue;
      }
      for (const operation of plan.operations) {
        await decideReadings(dataset, operation, readingCounts);
        const id = uniqueId(`${task.id}-${operation.type}${operation.meteringElementId ? `-${operation.meteringElementId}` : ''}`, usedIds);
        sources.push(operationSource(dataset, data, task, operation, id, taskWarnings));
      }
    }
    if (sources.length === 0) {
      const reason =
        data.tasks.length === 0
          ? 'it holds no tasks'
          : timeLogCount === 0
            ? `its ${data.tasks.length} task(s) have no readable timelogs (planned tasks or prescriptions only)`
            : `none of its timelogs logs an application, seeding, yield or tillage value (${datasetWarnings.join('; ')})`;
      throw new DatasetError(`${dataset.root}: no operation to convert: ${reason}`);
    }
    // Warnings about the card as a whole (duplicate ids, missing external files, tasks without operations) go with every operation.
    for (const source of sources) source.meta.warnings.unshift(...datasetWarnings);
    return sources;
  },
};

/** Reads the first bytes of a candidate and checks that the XML root element is ISO11783_TaskData. */
async function hasTaskDataRoot(entry: ArchiveEntry): Promise<boolean> {
  const root = await sniff(entry, SNIFF_BYTES, (head) => {
    // A few controllers write UTF-16 with a byte-order mark; everything else is UTF-8 or a superset of ASCII up to the root element.
    const text = head[0] === 0xff && head[1] === 0xfe ? head.toString('utf16le') : head.toString('utf8');
    return rootElementName(text.replace(/^\uFEFF/, ''));
  });
  return root === ROOT_ELEMENT;
}

/**
 * Name of the first element after the XML declaration, processing instructions, comments and a
 * DOCTYPE (with its internal subset); undefined when the text ends before it.
 */
export function rootElementName(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      let depth = 0;
      let j = i + 9;
      for (; j < text.length; j++) {
        if (text[j] === '[') depth++;
        else if (text[j] === ']') depth--;
        else if (text[j] === '>' && depth <= 0) break;
      }
      if (j >= text.length) return undefined;
      i = j + 1;
    } else if (text[i] === '<') {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 200));
      return match ? match[1] : '';
    } else {
      return i < text.length ? '' : undefined;
    }
  }
  return undefined;
}

async function readTimeLogHeaders(dataset: Dataset, data: TaskData, task: Task): Promise<{ logs: TimeLogInfo[]; warnings: string[] }> {
  const logs: TimeLogInfo[] = [];
  const warnings: string[] = [];
  for (const name of task.timeLogs) {
    const upper = name.toUpperCase();
    const xml = dataset.entries.get(`${upper}.XML`);
    const binaryKey = `${upper}.BIN`;
    if (!xml || !dataset.entries.has(binaryKey)) {
      warnings.push(`${task.id}: timelog ${name} is listed but its ${xml ? '.BIN' : '.XML'} file is missing; it was skipped`);
      continue;
    }
    try {
      const header = await parseTimeLogHeader(await xml.open(), `${name}.XML`);
      if (header.cutOff) {
        warnings.push(`${task.id}: ${name}.XML ends before its closing </TIM> (${header.cutOff}); the ${header.dataLogValues.length} DLVs listed before the end were used`);
      }
      logs.push({ name, binaryKey, header, columns: describeDataLogValues(data, header) });
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      warnings.push(`${task.id}: ${error.message}; timelog ${name} was skipped`);
    }
  }
  return { logs, warnings };
}

/**
 * Decides, for the operation's standard columns whose dictionary and device readings disagree,
 * which reading to use (plausibility.ts), from one pass over the timelogs that log them and the
 * machine counters that check them; sets the chosen scale and says what was decided.
 */
async function decideReadings(dataset: Dataset, operation: PlannedOperation, cache: Map<string, ReadingCounts>): Promise<void> {
  if (operation.readings.length === 0) return;
  const open = async (log: TimeLogInfo) => (await dataset.entries.get(log.binaryKey)!.open()) as AsyncIterable<Uint8Array>;
  const keys = [...new Set(operation.readings.flatMap((q) => [q.key, ...(q.totals ? [q.totals.amountKey, q.totals.areaKey] : [])]))];
  const totals = new Map(keys.map((key) => [key, emptyCounts()]));
  // A questioned column's counts depend on its range; a counter's do not.
  const cacheKey = (log: TimeLogInfo, key: string) => `${log.binaryKey}|${key}|${operation.readings.find((q) => q.key === key)?.property ?? 'counter'}`;
  for (const log of operation.timeLogs) {
    const missing = keys.filter((key) => !cache.has(cacheKey(log, key)));
    if (missing.length > 0) {
      try {
        const counted = await countReadings(log, missing, operation.readings, open);
        for (const key of missing) cache.set(cacheKey(log, key), counted.get(key) ?? emptyCounts());
      } catch {
        continue; // an unreadable timelog is reported when its points are read; it cannot vote here
      }
    }
    for (const key of keys) addCounts(totals.get(key)!, cache.get(cacheKey(log, key))!);
  }
  for (const q of operation.readings) {
    const counters = q.totals && { amount: totals.get(q.totals.amountKey)!, area: totals.get(q.totals.areaKey)! };
    const decision = decideReading(q, totals.get(q.key)!, counters);
    operation.warnings.push(decision.warning);
    if (!decision.useDevice) continue;
    operation.scales.set(q.key, q.deviceScale);
    const spec = operation.columns.find((c) => c.key === q.key)!;
    spec.label += ` [read by the device's presentation: ${q.deviceScale} ${spec.unit} per step]`;
  }
}

function uniqueId(base: string, used: Set<string>): string {
  // Ids become folder names: keep to characters every file system accepts.
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_');
  let id = safe;
  for (let n = 2; used.has(id); n++) id = `${safe}_${n}`;
  used.add(id);
  return id;
}

function operationSource(dataset: Dataset, data: TaskData, task: Task, operation: PlannedOperation, id: string, taskWarnings: string[]): OperationSource {
  const customer = task.customerId ? data.customers.get(task.customerId) : undefined;
  const field = task.partfieldId ? data.partfields.get(task.partfieldId) : undefined;
  const farm = data.farms.get(task.farmId ?? field?.farmId ?? '');
  const meta: OperationMeta = {
    id,
    operationType: operation.type,
    originalOperationType: operation.originalOperationType,
    fileFormat: FILE_FORMAT,
    provider: data.root.taskControllerManufacturer ?? 'Other',
    crop: operation.crop,
    varieties: operation.varieties,
    products: operation.products,
    grower: customer ? [customer.lastName, customer.firstName].filter(Boolean).join(', ') || undefined : undefined,
    farm: farm?.designator,
    field: field?.designator,
    description: task.designator,
    machinery: operation.machinery,
    columns: operation.columns,
    warnings: [...taskWarnings, ...operation.warnings],
    reader: READER,
    counters: operation.counters,
    machineTotals: operation.machineTotals,
  };
  const sections = operation.sectionWork && new SectionWorkCalculator(operation.sectionWork);
  let ordered: TimeLogInfo[] | undefined;
  return {
    meta,
    async *points(): AsyncIterable<PointBatch> {
      ordered ??= await inTimeOrder(dataset, operation.timeLogs);
      const still = new StandingStill();
      for (const log of ordered) {
        const entry = dataset.entries.get(log.binaryKey)!;
        const decoder = new TimeLogDecoder(decodeSpec(log, operation, entry.size));
        let stream: Readable;
        try {
          stream = await entry.open();
        } catch (error) {
          const warning = `${log.name}.BIN could not be opened (${error instanceof Error ? error.message : String(error)}); its records are missing`;
          if (!meta.warnings.includes(warning)) meta.warnings.push(warning);
          continue;
        }
        for await (const batch of decodeTimeLog(stream, decoder)) {
          still.add(batch);
          sections?.apply(batch);
          yield batch;
        }
        // Decoding warnings are known only now; a second pass over the points must not repeat them.
        for (const warning of decoder.warnings) if (!meta.warnings.includes(warning)) meta.warnings.push(warning);
      }
      const warning = still.warning();
      if (warning && !meta.warnings.includes(warning)) meta.warnings.push(warning);
    },
  };
}

/**
 * Notices an operation whose points all lie at one position: the machine stood still (a setup or
 * test run, as several tasks of the CNH card), so it covers no area whatever its width and rates.
 */
class StandingStill {
  private lon = NaN;
  private lat = NaN;
  private points = 0;
  private moved = false;

  add(batch: PointBatch): void {
    for (let i = 0; i < batch.length && !this.moved; i++) {
      if (this.points++ === 0) [this.lon, this.lat] = [batch.lon[i]!, batch.lat[i]!];
      else if (batch.lon[i] !== this.lon || batch.lat[i] !== this.lat) this.moved = true;
    }
  }

  warning(): string | undefined {
    if (this.moved || this.points < 2) return undefined;
    return `all ${this.points} points are at one position (${this.lat}, ${this.lon}): the machine did not move, so the operation covers no area`;
  }
}

/** Builds how one timelog's DLVs and position fields map onto the operation's columns. */
function decodeSpec(log: TimeLogInfo, operation: PlannedOperation, byteLength?: number): DecodeSpec {
  const columnKeys = operation.columns.map((c) => c.key);
  const indexOf = new Map(columnKeys.map((key, i) => [key, i]));
  const n = log.columns.length;
  const column = new Int32Array(n).fill(-1);
  const scale = new Float64Array(n);
  const offset = new Float64Array(n);
  for (const c of log.columns) {
    column[c.index] = indexOf.get(c.key) ?? -1;
    scale[c.index] = operation.scales.get(c.key) ?? c.scale;
    offset[c.index] = c.offset;
  }
  const positionColumns: PositionColumns = {};
  for (const field of POSITION_COLUMNS) {
    const i = indexOf.get(field.key);
    if (i !== undefined && log.header.position[field.field].kind === 'binary') positionColumns[field.key] = i;
  }
  const initial = new Float64Array(columnKeys.length).fill(NaN);
  for (const constant of operation.constants) initial[indexOf.get(constant.key)!] = constant.value;
  return { fileName: `${log.name}.BIN`, header: log.header, columnKeys, values: { column, scale, offset }, positionColumns, initial, byteLength };
}

/** Orders timelogs by their first record's time, read from the first bytes of each .BIN; unreadable ones go last. */
async function inTimeOrder(dataset: Dataset, logs: TimeLogInfo[]): Promise<TimeLogInfo[]> {
  if (logs.length < 2) return logs;
  const starts = await Promise.all(logs.map((log) => firstRecordTime(dataset.entries.get(log.binaryKey)!)));
  return logs
    .map((log, i) => ({ log, start: Number.isNaN(starts[i]!) ? Infinity : starts[i]!, i }))
    .sort((a, b) => a.start - b.start || a.i - b.i)
    .map((x) => x.log);
}

async function firstRecordTime(entry: ArchiveEntry): Promise<number> {
  const time = await sniff(entry, 6, (head) => (head.length >= 6 ? Date.UTC(1980, 0, 1) + head.readUInt16LE(4) * 86_400_000 + head.readUInt32LE(0) : undefined));
  // NaN when unreadable: the decoder reports the file when it gets to it.
  return time ?? NaN;
}
