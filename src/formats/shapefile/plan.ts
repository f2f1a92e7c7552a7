import type { StandardProperty } from '../../model/properties.ts';
import type { ColumnSpec, OperationMeta } from '../types.ts';
import type { DbfField } from './dbf-reader.ts';

/** How a DBF value becomes a batch value. */
export type ValueKind =
  | 'number'
  /** Text kept as text (variety, product, raw time strings). */
  | 'string'
  /** A D (YYYYMMDD) field, kept as `YYYY-MM-DD` text. */
  | 'date'
  /** Text "On"/"Off", "In"/"Out", "Yes"/"No", T/F as 1 / 0 (recordingStatus wants numbers). */
  | 'onOff';

/** One DBF field as one batch column. */
export interface FieldMapping {
  field: DbfField;
  kind: ValueKind;
  column: ColumnSpec;
  /** Multiplies numbers when the source unit has no Furrow code but a scaled one does (ml/ha → L/ha). */
  scale?: number;
}

/** Where each point's time comes from. */
export type TimeSource =
  /** ISO-8601 text with its zone (John Deere `IsoTime`). */
  | { kind: 'iso'; field: DbfField }
  /** US local text `M/D/YYYY h:mm:ss AM` without zone, read as UTC. */
  | { kind: 'usLocal'; field: DbfField }
  /** Date (D or YYYYMMDD text) and time-of-day text fields, UTC (Trimble `UTC_Date` + `UTC_Time`). */
  | { kind: 'dateTime'; date: DbfField; time: DbfField }
  /** A start time plus the running sum of each record's logging interval (Ag Leader SMS). */
  | { kind: 'startPlusDuration'; start: number; duration: DbfField }
  /** A date only: every point at 00:00 UTC of its day. */
  | { kind: 'date'; field: DbfField }
  | { kind: 'none' };

export type Exporter = 'JohnDeere' | 'AgLeader' | 'Trimble' | 'Other';

/** What an exporter's name map makes of one layer before its points are read. */
export interface LayerPlan extends Pick<OperationMeta, 'operationType' | 'originalOperationType' | 'crop' | 'varieties' | 'products' | 'grower' | 'farm' | 'field' | 'description' | 'machinery'> {
  exporter: Exporter;
  mappings: FieldMapping[];
  time: TimeSource;
  warnings: string[];
}

/** Distinct values of a layer's text fields, from one pass over the table (bounded per field). */
export type DistinctValues = ReadonlyMap<string, readonly string[]>;

/** What every name map gets to decide on a layer. */
export interface LayerContext {
  /** Path of the .shp within the archive (e.g. `AgGPS/Data/Client/Farm/Field/Task/Swath.shp`). */
  shpPath: string;
  /** Base name without folder and extension. */
  baseName: string;
  fields: readonly DbfField[];
  /** Parsed `<base>-Deere-Metadata.json`, when present. */
  deereMetadata?: unknown;
  distinct: DistinctValues;
  /** The first non-blank value of every field. */
  samples: ReadonlyMap<string, string>;
}

export function findField(fields: readonly DbfField[], ...names: string[]): DbfField | undefined {
  for (const name of names) {
    const found = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

/** The default kind of a field from its dBase type. */
export function defaultKind(field: DbfField): ValueKind {
  if (field.type === 'N' || field.type === 'F' || field.type === 'B' || field.type === 'I' || field.type === 'O') return 'number';
  if (field.type === 'D') return 'date';
  if (field.type === 'L') return 'onOff';
  return 'string';
}

/** A field that the name map does not know: kept under its own name in the raw output, without a standard property. */
export function rawMapping(field: DbfField, unit?: string): FieldMapping {
  const kind = defaultKind(field);
  return { field, kind, column: { key: field.name, label: field.name, kind: kind === 'string' || kind === 'date' ? 'string' : 'number', unit: kind === 'number' ? unit : undefined } };
}

export function standardMapping(field: DbfField, standard: StandardProperty, unit: string | undefined, label?: string, kind?: ValueKind): FieldMapping {
  const valueKind = kind ?? defaultKind(field);
  return { field, kind: valueKind, column: { key: field.name, label: label ?? field.name, kind: valueKind === 'string' ? 'string' : 'number', unit, standard } };
}

/** Mappings for every field: the given ones, and all others raw, in the table's order. */
export function completeMappings(fields: readonly DbfField[], known: readonly FieldMapping[]): FieldMapping[] {
  const byName = new Map(known.map((m) => [m.field.name, m]));
  return fields.map((field) => byName.get(field.name) ?? rawMapping(field));
}
