import type { PointBatch } from '../../model/batch.ts';
import { productsText, type FeatureLayout } from '../point-features.ts';

/** A growable byte buffer that features are encoded into; the view hands `bytes()` on and calls `reset()`. */
export class ByteChunk {
  buffer: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  ensure(room: number): void {
    if (this.length + room <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + room));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  ascii(text: string): void {
    this.ensure(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes so far, in a buffer of their own; the chunk starts again empty. */
  take(capacity: number): Buffer {
    const full = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(capacity);
    this.length = 0;
    return full;
  }
}

const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const ZERO = 48;
/** Text values repeat (recordingStatus, verdicts): their JSON bytes are kept, up to this many distinct ones. */
const MAX_CACHED_TEXTS = 4096;

/**
 * Writes `String(k / 10^decimals)` for an integer k, as JavaScript would print it, without making
 * the string: for 1 ≤ |k| / 10^(decimals−6) and |k| < 10^15 that is k's digits with the decimal
 * point put in and trailing zeros dropped, since a decimal of at most 15 significant digits is the
 * shortest text that reads back as the double nearest to it (the rule Number#toString follows),
 * and JavaScript writes numbers from 10^−6 up without an exponent. Anything else (0, NaN, the
 * tiny and the huge) goes through String. test/convert/table/feature-encoder.test.ts checks this
 * against String on edge cases and millions of random values.
 */
function writeScaled(out: ByteChunk, k: number, decimals: number): void {
  const a = k < 0 ? -k : k;
  if (!(a < 1e15 && a >= POWERS[decimals - 6]!)) {
    out.ascii(String(k / POWERS[decimals]!));
    return;
  }
  out.ensure(18);
  const buf = out.buffer;
  let p = out.length;
  if (k < 0) buf[p++] = 45; // '-'
  const scale = POWERS[decimals]!;
  const whole = Math.floor(a / scale);
  let fraction = a - whole * scale;
  // Whole part: its digits, most significant first.
  let digits = 1;
  while (digits < 15 && whole >= POWERS[digits]!) digits++;
  for (let d = digits - 1, w = whole; d >= 0; d--) {
    const q = Math.floor(w / 10);
    buf[p + d] = ZERO + (w - q * 10);
    w = q;
  }
  p += digits;
  if (fraction !== 0) {
    let places = decimals;
    while (fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
    buf[p++] = 46; // '.'
    for (let d = places - 1; d >= 0; d--) {
      const q = Math.floor(fraction / 10);
      buf[p + d] = ZERO + (fraction - q * 10);
      fraction = q;
    }
    p += places;
  }
  out.length = p;
}

/** formatValue (geojson-writer.ts) written into `out`. */
export function writeValue(out: ByteChunk, value: number): void {
  writeScaled(out, Math.round(value * 1e6), 6);
}

/** formatCoordinate (geojson-writer.ts) written into `out`. */
export function writeCoordinate(out: ByteChunk, value: number): void {
  writeScaled(out, Math.round(value * 1e7), 7);
}

/**
 * The bytes PointFeatureSerializer (point-features.ts) makes, written straight into a buffer: the
 * views stream GeoJSON at several times the rate of building a string per feature and per number
 * (the serializer's strings were ~60 % of a view's time). Same layout, same key order, same
 * number and time formatting, byte for byte (feature-encoder.test.ts compares the two).
 */
export class PointFeatureEncoder {
  private readonly timeKey: Buffer;
  private readonly numberKeys: readonly [string, Buffer][];
  private readonly stringKeys: readonly [string, Buffer][];
  private readonly tail: Buffer;
  /** `products` of an applied point as bytes (point-features.ts productsText), and the rate column it takes the point's rate from. */
  private readonly products?: { key: string; text: { kind: 'fixed'; bytes: Buffer } | { kind: 'rated'; before: Buffer; after: Buffer; withoutRate: Buffer } };
  private readonly texts = new Map<string, Buffer>();
  /** TimestampFormatter's per-minute cache, in bytes. */
  private minute = NaN;
  private minutePrefix = Buffer.alloc(0);

  constructor(layout: FeatureLayout) {
    this.timeKey = Buffer.from(`]},"properties":{${JSON.stringify(layout.timeKey)}:"`);
    this.numberKeys = layout.numbers.map((key) => [key, Buffer.from(`,${JSON.stringify(key)}:`)]);
    this.stringKeys = layout.strings.map((key) => [key, Buffer.from(`,${JSON.stringify(key)}:`)]);
    this.tail = Buffer.from((layout.constants ?? []).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join(''));
    if (layout.products) {
      const text = productsText(layout.products);
      this.products = {
        key: layout.products.rateKey,
        text: text.kind === 'fixed' ? { kind: 'fixed', bytes: Buffer.from(text.text) } : { kind: 'rated', before: Buffer.from(text.before), after: Buffer.from(text.after), withoutRate: Buffer.from(text.withoutRate) },
      };
    }
  }

  /** Binds a batch's columns; the returned function writes point i, ending with `ending` (`}}` unless given). */
  bind(batch: PointBatch): (out: ByteChunk, i: number, ending?: Uint8Array) => void {
    const numbers = this.numberKeys.map(([key, bytes]) => [bytes, batch.numbers.get(key)] as const).filter((c): c is readonly [Buffer, Float64Array] => c[1] !== undefined);
    const strings = this.stringKeys.map(([key, bytes]) => [bytes, batch.strings.get(key)] as const).filter((c): c is readonly [Buffer, (string | null)[]] => c[1] !== undefined);
    const { lon, lat, time } = batch;
    const products = this.products;
    const rates = products ? batch.numbers.get(products.key) : undefined;
    return (out, i, ending = END) => {
      out.bytes(HEAD);
      writeCoordinate(out, lon[i]!);
      out.ensure(1);
      out.buffer[out.length++] = 44; // ','
      writeCoordinate(out, lat[i]!);
      out.bytes(this.timeKey);
      this.writeTime(out, time[i]!);
      for (const [key, values] of numbers) {
        const v = values[i]!;
        if (v - v !== 0) continue; // NaN and ±Infinity are left out, as Number.isFinite does
        out.bytes(key);
        writeValue(out, v);
      }
      for (const [key, values] of strings) {
        const v = values[i];
        if (v === undefined || v === null) continue;
        out.bytes(key);
        out.bytes(this.text(v));
      }
      if (products) {
        const { text } = products;
        const rate = rates?.[i];
        if (text.kind === 'fixed') out.bytes(text.bytes);
        else if (rate !== undefined && rate - rate === 0) {
          out.bytes(text.before);
          writeValue(out, rate);
          out.bytes(text.after);
        } else out.bytes(text.withoutRate);
      }
      out.bytes(this.tail);
      out.bytes(ending);
    };
  }

  private text(value: string): Buffer {
    let bytes = this.texts.get(value);
    if (bytes === undefined) {
      if (this.texts.size >= MAX_CACHED_TEXTS) this.texts.clear();
      bytes = Buffer.from(JSON.stringify(value));
      this.texts.set(value, bytes);
    }
    return bytes;
  }

  /** TimestampFormatter.format written as bytes, then the closing quote. */
  private writeTime(out: ByteChunk, epochMs: number): void {
    const minute = Math.floor(epochMs / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minutePrefix = Buffer.from(new Date(minute * 60_000).toISOString().slice(0, 17), 'latin1');
    }
    const withinMinute = epochMs - minute * 60_000;
    let second = Math.floor(withinMinute / 1000);
    let ms = Math.round(withinMinute - second * 1000);
    if (ms === 1000) {
      if (second === 59) {
        out.ascii(`${new Date(Math.round(epochMs)).toISOString()}"`);
        return;
      }
      second++;
      ms = 0;
    }
    out.bytes(this.minutePrefix);
    out.ensure(8);
    const buf = out.buffer;
    const p = out.length;
    const s10 = Math.floor(second / 10);
    buf[p] = ZERO + s10;
    buf[p + 1] = ZERO + (second - s10 * 10);
    buf[p + 2] = 46; // '.'
    const m100 = Math.floor(ms / 100);
    const m10 = Math.floor((ms - m100 * 100) / 10);
    buf[p + 3] = ZERO + m100;
    buf[p + 4] = ZERO + m10;
    buf[p + 5] = ZERO + (ms - m100 * 100 - m10 * 10);
    buf[p + 6] = 90; // 'Z'
    buf[p + 7] = 34; // '"'
    out.length = p + 8;
  }
}

const HEAD = Buffer.from('{"type":"Feature","geometry":{"type":"Point","coordinates":[');
const END = Buffer.from('}}');
