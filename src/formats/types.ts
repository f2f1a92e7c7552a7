import type { Readable } from 'node:stream';
import type { PointBatch } from '../model/batch.ts';
import type { OperationType } from '../model/operations.ts';
import type { StandardProperty } from '../model/properties.ts';

/** One file inside an uploaded archive (or folder), possibly inside a nested zip. */
export interface ArchiveEntry {
  /** Path as the user would see it, nested archives joined with "!/" (e.g. `data.zip!/TASKDATA/TASKDATA.XML`). */
  path: string;
  /** Path inside its own container, with "/" separators. */
  innerPath: string;
  /** Uncompressed size in bytes as the container declares it. */
  size: number;
  /** Opens a fresh stream of the uncompressed bytes; can be called more than once. */
  open(): Promise<Readable>;
}

/** A set of entries that one driver will read, e.g. one TASKDATA folder. */
export interface Dataset {
  driver: string;
  /** Leaf `fileFormat` value, e.g. `ISO11783`. */
  fileFormat: string;
  /** Folder (or file) that identifies the dataset within the archive, for messages and output names. */
  root: string;
  /** The entries the driver needs, keyed by their path relative to `root`, upper-cased. */
  entries: Map<string, ArchiveEntry>;
}

/** A value column as the source logs it. */
export interface ColumnSpec {
  /** Key of the column in `PointBatch.numbers` / `strings` and the property name in raw GeoJSON. */
  key: string;
  /** Human-readable source name, e.g. `Mass Per Area Yield (DET-1)`. */
  label: string;
  kind: 'number' | 'string';
  /** Unit code (see model/units.ts) of the values in the batch; undefined for strings and unit-less values. */
  unit?: string;
  /** The standard property this column feeds, when the driver knows it. */
  standard?: StandardProperty;
}

export interface Machine {
  name: string;
  type: 'machine' | 'implement';
  serialNumber?: string;
  brand?: string;
}

export interface ProductUse {
  name: string;
  type?: 'Component' | 'Carrier';
}

/** What one of the machine's own running totals measures (ISO 11783-11 totals, a monitor's load totals). */
export type CounterQuantity = 'area' | 'distance' | 'time' | 'appliedVolume' | 'appliedMass' | 'appliedCount' | 'yieldMass' | 'yieldVolume' | 'fuel';

/**
 * A running total the machine logs point by point (ISOXML 0x0074 Total Area, 0x005A Yield Total
 * Mass, …): how much it grew over the operation's points is the machine's own figure. Several keys
 * are summed, for elements that each count their own share (the sections of a boom).
 */
export interface CounterColumn {
  quantity: CounterQuantity;
  /** Numeric column keys of the raw batches, values in `unit`. */
  keys: string[];
  unit: string;
  /** Where the figure comes from, for the reconciliation report (e.g. `0x0074 Total Area (DET-1)`). */
  label: string;
  /** Where the counter wraps around (a 32-bit register), in `unit`: a fall by more than half of it is a wrap, any other fall a restart. */
  modulus?: number;
}

/** A total the file states once for the operation (a yield monitor's load total, a task's totals). */
export interface MachineTotal {
  quantity: CounterQuantity;
  value: number;
  unit: string;
  label: string;
}

/** What a driver knows about one operation before its points are read. */
export interface OperationMeta {
  /** Stable id within the dataset, usable as a folder name (e.g. `TSK1-harvested`). */
  id: string;
  operationType: OperationType;
  /** The source's own word for the operation (e.g. ISOXML device class, JD operation class). */
  originalOperationType: string;
  fileFormat: string;
  provider: string;
  /** Lower-case crop name when known (matched against the crop table by convert). */
  crop?: string;
  varieties: string[];
  products: ProductUse[];
  grower?: string;
  farm?: string;
  field?: string;
  description?: string;
  machinery: Machine[];
  columns: ColumnSpec[];
  /** Problems that did not stop the read (truncated log, skipped records, ...). */
  warnings: string[];
  /** The machine's own running totals among `columns`, reconciled with Furrow's figures over the same points. */
  counters?: CounterColumn[];
  /** Totals the file states for the whole operation, reconciled likewise. */
  machineTotals?: MachineTotal[];
  /** Reader name and version, stamped into outputs. */
  reader: string;
}

/** One operation found in a dataset: its metadata and a way to stream its points (callable more than once). */
export interface OperationSource {
  meta: OperationMeta;
  points(): AsyncIterable<PointBatch>;
}

/** A dataset that a driver claimed but cannot turn into operations; reported as a failure with a reason. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/**
 * An input-format driver in the GDAL sense: a cheap `detect` over entry names (and, if needed,
 * first bytes) and a lazy `read` that streams points.
 */
export interface Driver {
  name: string;
  /**
   * Leaf `provider` values (leaf-api.md §8) whose uploads this driver reads. Undefined for open
   * formats every provider exports (ISOXML, shapefiles): such a driver runs whatever provider the
   * upload names.
   */
  providers?: readonly string[];
  /** Claims datasets among the entries of one archive. Must not read whole files. */
  detect(entries: readonly ArchiveEntry[]): Promise<Dataset[]>;
  /** Lists the operations of a dataset; throws DatasetError with a readable reason when it cannot. */
  read(dataset: Dataset): Promise<OperationSource[]>;
}
