import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import type { ColumnSpec } from '../types.ts';

/** One decoded point: time (epoch ms), WGS84 position and column values by key (NaN / null = no value). */
export interface PointRow {
  time: number;
  lon: number;
  lat: number;
  numbers: Record<string, number>;
  strings?: Record<string, string | null>;
}

/** Fills columnar batches of BATCH_SIZE points from decoded rows, so the decoders can think in points. */
export class BatchWriter {
  private batch: PointBatch;
  private readonly numberKeys: string[];
  private readonly stringKeys: string[];

  constructor(columns: readonly ColumnSpec[]) {
    this.numberKeys = columns.filter((c) => c.kind === 'number').map((c) => c.key);
    this.stringKeys = columns.filter((c) => c.kind === 'string').map((c) => c.key);
    this.batch = this.fresh();
  }

  private fresh(): PointBatch {
    return emptyBatch(BATCH_SIZE, this.numberKeys, this.stringKeys);
  }

  /** Adds a point; returns a full batch when one is complete (the caller yields it). */
  push(row: PointRow): PointBatch | undefined {
    const b = this.batch;
    const i = b.length;
    b.time[i] = row.time;
    b.lon[i] = row.lon;
    b.lat[i] = row.lat;
    for (const key of this.numberKeys) b.numbers.get(key)![i] = row.numbers[key] ?? NaN;
    for (const key of this.stringKeys) b.strings.get(key)![i] = row.strings?.[key] ?? null;
    b.length++;
    if (b.length < BATCH_SIZE) return undefined;
    this.batch = this.fresh();
    return b;
  }

  /** The last, partial batch (undefined when empty). */
  flush(): PointBatch | undefined {
    const b = this.batch;
    this.batch = this.fresh();
    return b.length > 0 ? b : undefined;
  }
}
