import { fields, float32At, float64At, int64At, isMessage, readVarint, textOf, WIRE, WireError, zigzag, type WireType } from '../protobuf/wire.ts';

/**
 * Per-field-path statistics of schema-less protobuf messages: the instrument behind
 * `furrow inspect`. A path is the chain of field numbers from the message root (`4.9.3.10`).
 * Length-delimited payloads are classified by what they parse as, so a reader can tell
 * sub-messages, strings and packed arrays apart without a `.proto`.
 */

export type GuessedKind = 'varint' | 'float64' | 'float32' | 'sub-message' | 'string' | 'packed varints' | 'packed float64' | 'packed float32' | 'bytes' | 'empty';

export interface PathStats {
  path: string;
  wireTypes: WireType[];
  /** How many times the path occurs. */
  count: number;
  /** Occurrences per guessed kind (a path can mix kinds, e.g. empty and non-empty). */
  kinds: Partial<Record<GuessedKind, number>>;
  /** Range of scalar values (varint, fixed float) and of the elements of packed varints. */
  min?: number;
  max?: number;
  /** Range of zigzag-decoded packed varints, for signed deltas. */
  zigzagMin?: number;
  zigzagMax?: number;
  /** Elements per packed occurrence / bytes per length-delimited occurrence. */
  minElements?: number;
  maxElements?: number;
  /** Up to a few distinct strings. */
  examples?: string[];
}

const MAX_EXAMPLES = 5;
/** Printable ASCII: anything else that happens to be valid UTF-8 is more likely binary. */
const PRINTABLE = /^[\x20-\x7e]+$/;

function packedVarintValues(buf: Uint8Array, start: number, end: number): number[] | undefined {
  const values: number[] = [];
  let pos = start;
  try {
    while (pos < end) {
      const [value, next] = readVarint(buf, pos, end);
      values.push(value);
      pos = next;
    }
  } catch (error) {
    if (error instanceof WireError) return undefined;
    throw error;
  }
  return values;
}

/** Classifies a length-delimited payload: text first, then message, then packed varints. */
export function guessLen(buf: Uint8Array, start: number, end: number): GuessedKind {
  if (end === start) return 'empty';
  const text = textOf(buf, start, end);
  if (text !== undefined && PRINTABLE.test(text)) return 'string';
  if (isMessage(buf, start, end)) return 'sub-message';
  if (packedVarintValues(buf, start, end) !== undefined) return 'packed varints';
  if ((end - start) % 8 === 0) return 'packed float64';
  if ((end - start) % 4 === 0) return 'packed float32';
  return 'bytes';
}

export class FieldStatsCollector {
  private readonly byPath = new Map<string, PathStats>();

  constructor(private readonly maxDepth = 12) {}

  /** Adds every field of the message `buf[start, end)`, recursing into sub-messages. */
  add(buf: Uint8Array, start = 0, end = buf.length, prefix = '', depth = 0): void {
    for (const f of fields(buf, start, end)) {
      const path = prefix ? `${prefix}.${f.field}` : String(f.field);
      const stats = this.statsFor(path, f.wireType);
      switch (f.wireType) {
        case WIRE.varint:
          this.count(stats, 'varint');
          // Negative int64 values arrive as 10-byte varints near 2^64: show them signed.
          this.range(stats, f.varint >= 2 ** 63 ? int64At(buf, f.start, f.end) : f.varint);
          break;
        case WIRE.i64:
          this.count(stats, 'float64');
          this.range(stats, float64At(buf, f.start));
          break;
        case WIRE.i32:
          this.count(stats, 'float32');
          this.range(stats, float32At(buf, f.start));
          break;
        default: {
          const kind = guessLen(buf, f.start, f.end);
          this.count(stats, kind);
          this.addLen(stats, kind, buf, f.start, f.end, path, depth);
        }
      }
    }
  }

  private addLen(stats: PathStats, kind: GuessedKind, buf: Uint8Array, start: number, end: number, path: string, depth: number): void {
    switch (kind) {
      case 'string': {
        const examples = (stats.examples ??= []);
        const text = textOf(buf, start, end)!;
        if (examples.length < MAX_EXAMPLES && !examples.includes(text)) examples.push(text);
        this.elements(stats, end - start);
        break;
      }
      case 'sub-message':
        if (depth < this.maxDepth) this.add(buf, start, end, path, depth + 1);
        break;
      case 'packed varints': {
        const values = packedVarintValues(buf, start, end)!;
        this.elements(stats, values.length);
        for (const v of values) {
          this.range(stats, v);
          const z = zigzag(v);
          stats.zigzagMin = Math.min(stats.zigzagMin ?? z, z);
          stats.zigzagMax = Math.max(stats.zigzagMax ?? z, z);
        }
        break;
      }
      case 'packed float64':
        this.elements(stats, (end - start) / 8);
        for (let p = start; p < end; p += 8) this.range(stats, float64At(buf, p));
        break;
      case 'packed float32':
        this.elements(stats, (end - start) / 4);
        for (let p = start; p < end; p += 4) this.range(stats, float32At(buf, p));
        break;
      default:
        this.elements(stats, end - start);
    }
  }

  private statsFor(path: string, wireType: WireType): PathStats {
    let stats = this.byPath.get(path);
    if (!stats) this.byPath.set(path, (stats = { path, wireTypes: [], count: 0, kinds: {} }));
    if (!stats.wireTypes.includes(wireType)) stats.wireTypes.push(wireType);
    stats.count++;
    return stats;
  }

  private count(stats: PathStats, kind: GuessedKind): void {
    stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
  }

  private range(stats: PathStats, value: number): void {
    if (Number.isNaN(value)) return;
    stats.min = Math.min(stats.min ?? value, value);
    stats.max = Math.max(stats.max ?? value, value);
  }

  private elements(stats: PathStats, n: number): void {
    stats.minElements = Math.min(stats.minElements ?? n, n);
    stats.maxElements = Math.max(stats.maxElements ?? n, n);
  }

  /** Paths in numeric order (`2.10` after `2.9`). */
  result(): PathStats[] {
    const key = (path: string): number[] => path.split('.').map(Number);
    return [...this.byPath.values()].sort((a, b) => {
      const ka = key(a.path);
      const kb = key(b.path);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
      return ka.length - kb.length;
    });
  }
}
