import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const CHUNK_BYTES = 1 << 20;

/**
 * Streams a GeoJSON FeatureCollection to a file, one Feature per line, waiting for the disk when
 * the stream's buffer is full so memory stays bounded whatever the number of points.
 * `foreign` members (RFC 7946 §6.1) carry Furrow's version and the reader that made the data.
 */
export class FeatureCollectionWriter {
  private count = 0;
  /**
   * Features are encoded into this chunk as they are added, so each Feature string dies young.
   * Concatenating them into a pending string instead kept ~2,000 strings per writer alive until the
   * flush: they outlived the young generation's collections and filled the old one with garbage
   * that only full collections free (the peak RSS of a large conversion was mostly that).
   */
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  /** Features that did not fit in the chunk's remaining room, written right after it. */
  private overflow: string[] = [];
  private constructor(private readonly out: WriteStream) {}

  static async open(path: string, foreign: Record<string, unknown>): Promise<FeatureCollectionWriter> {
    const out = createWriteStream(path, { highWaterMark: CHUNK_BYTES });
    await once(out, 'open');
    const writer = new FeatureCollectionWriter(out);
    const members = Object.entries(foreign)
      .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`)
      .join('');
    await writer.write(`{"type":"FeatureCollection",${members}"features":[`);
    return writer;
  }

  /**
   * Appends one serialized Feature to the chunk. Returns true when the chunk is full: the caller
   * then awaits `flush()`. Writing ~1 MiB at a time keeps memory flat while costing no await per
   * point.
   */
  add(feature: string): boolean {
    const text = (this.count === 0 ? '\n' : ',\n') + feature;
    this.count++;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: when that fits, encode in place without measuring.
    if (this.overflow.length === 0 && (text.length * 3 <= CHUNK_BYTES - this.used || Buffer.byteLength(text) <= CHUNK_BYTES - this.used)) {
      this.used += this.chunk.write(text, this.used);
    } else {
      this.overflow.push(text);
    }
    return this.overflow.length > 0 || CHUNK_BYTES - this.used < 4096;
  }

  async flush(): Promise<void> {
    if (this.used > 0) {
      // The stream keeps the chunk until the disk has it: give it away and start a fresh one.
      const full = this.chunk.subarray(0, this.used);
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      this.used = 0;
      await this.write(full);
    }
    const overflow = this.overflow;
    this.overflow = [];
    for (const text of overflow) await this.write(text);
  }

  get featureCount(): number {
    return this.count;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.write('\n]}\n');
    this.out.end();
    await once(this.out, 'close');
  }

  /** Stops writing after a failure; the partial file is the caller's to delete. */
  abort(): void {
    // A write still in flight fails once the stream is destroyed; the file is being given up, so that error is expected.
    this.out.on('error', () => {});
    this.out.destroy();
  }

  private async write(data: string | Buffer): Promise<void> {
    if (!this.out.write(data)) await once(this.out, 'drain');
  }
}

/** Coordinates from ISO 11783 logs have 1e-7° resolution (≈1 cm); more digits would be noise from the float scaling. */
export function formatCoordinate(value: number): string {
  return String(Math.round(value * 1e7) / 1e7);
}

/** Values keep 6 decimals: finer than any sensor logs, and it drops float noise such as 0.30000000000000004. */
export function formatValue(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

/**
 * ISO 8601 timestamps for points logged every second or faster: the date-time part is cached per
 * minute, because `Date#toISOString` per point (per second on a 1 Hz log) is a measurable share
 * of conversion time.
 */
export class TimestampFormatter {
  private minute = NaN;
  private prefix = '';

  format(epochMs: number): string {
    const minute = Math.floor(epochMs / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      // "YYYY-MM-DDTHH:MM:" (4-digit years: 0000–9999, every time a machine logs).
      this.prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    }
    const withinMinute = epochMs - minute * 60_000;
    let second = Math.floor(withinMinute / 1000);
    let ms = Math.round(withinMinute - second * 1000);
    // A fraction that rounds up to the next whole second (sub-millisecond times) carries over, as Date would.
    if (ms === 1000) {
      if (second === 59) return new Date(Math.round(epochMs)).toISOString();
      second++;
      ms = 0;
    }
    return `${this.prefix}${second < 10 ? '0' : ''}${second}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }
}
