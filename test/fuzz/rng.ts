import { mulberry32 } from '../../bench/random.ts';

/** A seeded source of choices: the same seed gives the same sequence, so a variant is rebuilt from (seed, index) alone. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Variant `index` of corpus `seed` gets its own stream, independent of every other variant's. */
  static forVariant(seed: number, index: number): Rng {
    return new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}
