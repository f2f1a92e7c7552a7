import type { PointBatch } from '../model/batch.ts';
import { formatCoordinate, formatValue, TimestampFormatter } from './geojson-writer.ts';

export interface FeatureLayout {
  /** Property name of the point's time (`time` in raw output, `timestamp` in Leaf's standard output). */
  timeKey: string;
  /** Numeric column keys, in output order. */
  numbers: readonly string[];
  /** Text column keys, in output order. */
  strings: readonly string[];
  /** Properties every point carries with the same value, appended last. */
  constants?: readonly [string, string][];
}

/**
 * Serializes batches as GeoJSON Point Features by hand: JSON.stringify of an object per point is
 * the costliest step of a conversion (libraries.md §3a), and a fixed key order keeps outputs
 * byte-identical from run to run. Missing values (NaN, null) are left out, not written as null.
 */
export class PointFeatureSerializer {
  private readonly time = new TimestampFormatter();
  private readonly timeKey: string;
  private readonly numberKeys: readonly [string, string][];
  private readonly stringKeys: readonly [string, string][];
  private readonly constantText: string;

  constructor(layout: FeatureLayout) {
    this.timeKey = JSON.stringify(layout.timeKey);
    this.numberKeys = layout.numbers.map((key) => [key, JSON.stringify(key)]);
    this.stringKeys = layout.strings.map((key) => [key, JSON.stringify(key)]);
    this.constantText = (layout.constants ?? []).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('');
  }

  /** Binds the batch's columns once, then serializes its points by index. */
  bind(batch: PointBatch): (i: number) => string {
    const numbers = this.numberKeys.map(([key, json]) => [json, batch.numbers.get(key)] as const);
    const strings = this.stringKeys.map(([key, json]) => [json, batch.strings.get(key)] as const);
    return (i) => {
      let props = `${this.timeKey}:"${this.time.format(batch.time[i]!)}"`;
      for (const [key, values] of numbers) {
        const v = values?.[i];
        if (v !== undefined && Number.isFinite(v)) props += `,${key}:${formatValue(v)}`;
      }
      for (const [key, values] of strings) {
        const v = values?.[i];
        if (v !== undefined && v !== null) props += `,${key}:${JSON.stringify(v)}`;
      }
      return `{"type":"Feature","geometry":{"type":"Point","coordinates":[${formatCoordinate(batch.lon[i]!)},${formatCoordinate(batch.lat[i]!)}]},"properties":{${props}${this.constantText}}}`;
    };
  }
}
