import type { Readable } from 'node:stream';
import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import { DbfReader, dateValue, logicalValue, numberValue, type DbfField } from './dbf-reader.ts';
import type { TextDecodeFn } from './encoding.ts';
import type { FieldMapping, TimeSource } from './plan.ts';
import type { Reprojection } from './projection.ts';
import { ShpReader } from './shp-reader.ts';

export interface LayerStreams {
  shp: () => Promise<Readable>;
  dbf: () => Promise<Readable>;
  shpName: string;
  dbfName: string;
}

export interface PointReadOptions {
  mappings: readonly FieldMapping[];
  time: TimeSource;
  decode: TextDecodeFn;
  transform: Reprojection;
  /** Collects what did not stop the read (cut files, skipped records). */
  warn: (warning: string) => void;
}

/**
 * Reads a layer's .shp and .dbf in step, record n of one with record n of the other (the format
 * pairs them by position), and yields columnar batches. Records without a position, deleted
 * table rows and the tail of whichever file is longer are skipped and counted in warnings.
 */
export async function* readLayerPoints(streams: LayerStreams, options: PointReadOptions): AsyncIterable<PointBatch> {
  const { mappings, decode, transform } = options;
  const numberKeys = mappings.filter((m) => m.column.kind === 'number').map((m) => m.column.key);
  const stringKeys = mappings.filter((m) => m.column.kind === 'string').map((m) => m.column.key);
  const timeOf = timeReader(options.time, decode);
  const shp = await ShpReader.open(await streams.shp(), streams.shpName);
  let dbf: DbfReader;
  try {
    dbf = await DbfReader.open(await streams.dbf(), streams.dbfName);
  } catch (error) {
    await shp.close();
    throw error;
  }
  // Resolve each mapping to the output array once per batch, not per point.
  const numberMappings = mappings.filter((m) => m.column.kind === 'number');
  const stringMappings = mappings.filter((m) => m.column.kind === 'string');
  let batch = emptyBatch(BATCH_SIZE, numberKeys, stringKeys);
  let numberTargets = numberMappings.map((m) => batch.numbers.get(m.column.key)!);
  let stringTargets = stringMappings.map((m) => batch.strings.get(m.column.key)!);
  let noPosition = 0;
  let deleted = 0;
  let noTime = 0;
  let records = 0;
  const xy: [number, number] = [0, 0];
  try {
    for (;;) {
      // Most records are already buffered: only a chunk boundary costs an await.
      const hasShape = shp.nextBuffered() ?? (await shp.next());
      const step = dbf.nextBuffered() ?? (await dbf.nextRecord());
      if (!hasShape || step === 'end') {
        if (hasShape) {
          options.warn(`${streams.dbfName} has fewer records than ${streams.shpName}: ${dbf.truncated ?? `the table ends after ${records} records`}; the remaining shapes have no attributes and were skipped`);
        } else if (step !== 'end') {
          options.warn(`${streams.shpName} has fewer shapes than ${streams.dbfName} has records${shp.truncated ? ` (${shp.truncated})` : ''}; the remaining records were skipped`);
        } else {
          // Both ended together: say so if either was cut rather than complete.
          if (shp.truncated) options.warn(`${shp.truncated}: the records before it were read`);
          if (dbf.truncated) options.warn(`${dbf.truncated}: the records before it were read`);
        }
        break;
      }
      records++;
      if (step === 'deleted') {
        deleted++;
        continue;
      }
      const point = shp.point;
      if (!point.hasPosition) {
        noPosition++;
        continue;
      }
      const buf = dbf.bytes;
      const base = dbf.offset;
      const time = timeOf(buf, base);
      if (Number.isNaN(time)) {
        // Every output point needs a timestamp (Leaf requires one); a record without a readable time is left out.
        noTime++;
        continue;
      }
      const i = batch.length;
      batch.time[i] = time;
      if (transform) {
        xy[0] = point.x;
        xy[1] = point.y;
        const [lon, lat] = transform(xy);
        batch.lon[i] = lon;
        batch.lat[i] = lat;
      } else {
        batch.lon[i] = point.x;
        batch.lat[i] = point.y;
      }
      for (let k = 0; k < numberMappings.length; k++) {
        const m = numberMappings[k]!;
        let value: number;
        if (m.kind === 'number') value = numberValue(buf, m.field, base);
        else if (m.kind === 'onOff') value = m.field.type === 'L' ? logicalValue(buf, m.field, base) : onOff(textAt(buf, m.field, base, decode));
        else value = NaN;
        numberTargets[k]![i] = m.scale === undefined ? value : value * m.scale;
      }
      for (let k = 0; k < stringMappings.length; k++) {
        const m = stringMappings[k]!;
        const text = textAt(buf, m.field, base, decode);
        stringTargets[k]![i] = text !== null && m.kind === 'date' ? isoDate(text) : text;
      }
      batch.length++;
      if (batch.length === BATCH_SIZE) {
        yield batch;
        batch = emptyBatch(BATCH_SIZE, numberKeys, stringKeys);
        numberTargets = numberMappings.map((m) => batch.numbers.get(m.column.key)!);
        stringTargets = stringMappings.map((m) => batch.strings.get(m.column.key)!);
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await shp.close();
    await dbf.close();
  }
  if (noPosition > 0) options.warn(`${noPosition} of ${records} records have no position (null or empty shapes) and were skipped`);
  if (noTime > 0) options.warn(`${noTime} of ${records} records have no readable time and were skipped`);
  if (deleted > 0) options.warn(`${deleted} of ${records} records are marked deleted in ${streams.dbfName} and were skipped`);
}

/**
 * A text value without its padding, null when blank. ASCII (times, most names) is the same in
 * every encoding `decode` may stand for, so it is read straight from the bytes.
 */
export function textAt(buf: Buffer, field: DbfField, base: number, decode: TextDecodeFn): string | null {
  let start = base + field.offset;
  let end = start + field.length;
  while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0)) end--;
  while (start < end && buf[start] === 0x20) start++;
  if (start === end) return null;
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return decode(buf.subarray(start, end));
  return buf.toString('latin1', start, end);
}

/** dBase `YYYYMMDD` as `YYYY-MM-DD`; other text unchanged. */
function isoDate(text: string): string {
  return /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}` : text;
}

/** "On", "In", "Yes", "T", "1" → 1; "Off", "Out", "No", "F", "0" → 0; anything else NaN. */
function onOff(value: string | null): number {
  const text = value?.toLowerCase();
  if (text === 'on' || text === 'in' || text === 'yes' || text === 'y' || text === 't' || text === 'true' || text === '1') return 1;
  if (text === 'off' || text === 'out' || text === 'no' || text === 'n' || text === 'f' || text === 'false' || text === '0') return 0;
  return NaN;
}

const US_LOCAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?(?: ?([AP])M)?$/i;

/** `9/19/2016 4:45:46 PM` (no zone) as if UTC. */
export function parseUsLocal(text: string): number {
  const m = US_LOCAL.exec(text.trim());
  if (!m) return NaN;
  let hour = Number(m[4]);
  if (m[8]) hour = (hour % 12) + (m[8].toUpperCase() === 'P' ? 12 : 0);
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6])) + ms;
}

/** `hh:mm:ss(.s)` or `hhmmss(.s)` as ms since midnight. */
function timeOfDay(text: string): number {
  const m = /^(\d{1,2}):?(\d{2}):?(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : NaN;
}

function dateOf(buf: Buffer, base: number, field: DbfField, decode: TextDecodeFn): number {
  if (field.type === 'D') return dateValue(buf, field, base);
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(textAt(buf, field, base, decode) ?? '');
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

/** A per-record time reader (epoch ms UTC, NaN when the record has none). */
function timeReader(source: TimeSource, decode: TextDecodeFn): (buf: Buffer, base: number) => number {
  switch (source.kind) {
    case 'iso':
      return (buf, base) => Date.parse(textAt(buf, source.field, base, decode) ?? '');
    case 'usLocal':
      return (buf, base) => parseUsLocal(textAt(buf, source.field, base, decode) ?? '');
    case 'dateTime':
      return (buf, base) => dateOf(buf, base, source.date, decode) + timeOfDay(textAt(buf, source.time, base, decode) ?? '');
    case 'date':
      return (buf, base) => dateOf(buf, base, source.field, decode);
    case 'startPlusDuration': {
      // State per read: each call of points() builds a new reader.
      let elapsed = 0;
      return (buf, base) => {
        const time = source.start + elapsed;
        const duration = numberValue(buf, source.duration, base);
        if (Number.isFinite(duration) && duration > 0) elapsed += duration * 1000;
        return time;
      };
    }
    case 'none':
      return () => NaN;
  }
}
