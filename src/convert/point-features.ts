import type { PointBatch } from '../model/batch.ts';
import type { ProductUse } from '../formats/types.ts';
import { formatCoordinate, formatValue, TimestampFormatter } from './geojson-writer.ts';

export interface FeatureLayout {
  /** Property name of the point's time (`time` in raw output, `timestamp` in Leaf's standard output). */
  timeKey: string;
  /** Numeric column keys, in output order. */
  numbers: readonly string[];
  /** Text column keys, in output order. */
  strings: readonly string[];
  /** Leaf's per-point `products` of an applied operation, written before the constants. */
  products?: PointProducts;
  /** Properties every point carries with the same value, appended last. */
  constants?: readonly [string, string][];
}

/**
 * What an applied point's `products` list is made of: the operation's products, one of which
 * (the product or tank mix the rate column meters) carries the point's own rate. Tank-mix
 * components and carriers are listed by name and type only: no file we read logs each part's
 * share of the mix per point, and a share made up would be a figure the machine never measured.
 */
export interface PointProducts {
  parts: readonly ProductUse[];
  /** Index in `parts` of the product the rate column meters; -1 when the file does not say which. */
  metered: number;
  /** Standard numeric property holding that rate (appliedRate), and its unit. */
  rateKey: string;
  rateUnit: string;
}

/**
 * The JSON text of `products`, made once per operation: `fixed` when no part carries a rate, else
 * `before` + the point's rate + `after`, or `withoutRate` for a point whose rate is missing.
 */
export type ProductsText = { kind: 'fixed'; text: string } | { kind: 'rated'; before: string; after: string; withoutRate: string };

function productJson(part: ProductUse): string {
  return `{"name":${JSON.stringify(part.name)}${part.type ? `,"type":${JSON.stringify(part.type)}` : ''}`;
}

export function productsText(products: PointProducts): ProductsText {
  const parts = products.parts.map(productJson);
  if (products.metered < 0 || products.metered >= parts.length) return { kind: 'fixed', text: `,"products":[${parts.map((p) => `${p}}`).join(',')}]` };
  const head = parts.slice(0, products.metered).map((p) => `${p}},`).join('');
  const metered = parts[products.metered]!;
  const rest = parts.slice(products.metered + 1).map((p) => `,${p}}`).join('');
  return {
    kind: 'rated',
    before: `,"products":[${head}${metered},"rate":{"value":`,
    after: `,"unit":${JSON.stringify(products.rateUnit)}}}${rest}]`,
    withoutRate: `,"products":[${head}${metered}}${rest}]`,
  };
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
  private readonly products?: { key: string; text: ProductsText };

  constructor(layout: FeatureLayout) {
    this.timeKey = JSON.stringify(layout.timeKey);
    this.numberKeys = layout.numbers.map((key) => [key, JSON.stringify(key)]);
    this.stringKeys = layout.strings.map((key) => [key, JSON.stringify(key)]);
    this.constantText = (layout.constants ?? []).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('');
    if (layout.products) this.products = { key: layout.products.rateKey, text: productsText(layout.products) };
  }

  /** Binds the batch's columns once, then serializes its points by index. */
  bind(batch: PointBatch): (i: number) => string {
    const numbers = this.numberKeys.map(([key, json]) => [json, batch.numbers.get(key)] as const);
    const strings = this.stringKeys.map(([key, json]) => [json, batch.strings.get(key)] as const);
    const products = this.products;
    const rates = products ? batch.numbers.get(products.key) : undefined;
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
      if (products) {
        const { text } = products;
        const rate = rates?.[i];
        if (text.kind === 'fixed') props += text.text;
        else if (rate !== undefined && Number.isFinite(rate)) props += `${text.before}${formatValue(rate)}${text.after}`;
        else props += text.withoutRate;
      }
      return `{"type":"Feature","geometry":{"type":"Point","coordinates":[${formatCoordinate(batch.lon[i]!)},${formatCoordinate(batch.lat[i]!)}]},"properties":{${props}${this.constantText}}}`;
    };
  }
}
