import { createHash } from 'node:crypto';
import { loadBases, type Base } from './bases.ts';
import { MUTATIONS, type Mutation } from './mutations.ts';
import { Rng } from './rng.ts';

/** One hostile input: everything needed to rebuild it is (seed, index); `detail` says what was done. */
export interface Variant {
  index: number;
  id: string;
  kind: string;
  base: string;
  detail: string;
  bytes: Buffer;
}

export const DEFAULT_SEED = 13;

/**
 * Variant `index` of the corpus of `seed`: kinds take turns (index modulo the number of kinds, so
 * any run of consecutive indexes covers every kind evenly), the base and every choice come from
 * the variant's own seeded stream. Same (seed, index) → same bytes.
 */
export async function variantAt(seed: number, index: number): Promise<Variant> {
  const { mutation, rng, base } = await plan(seed, index);
  const { bytes, detail } = mutation.make(rng, base);
  return { index, id: `${String(index).padStart(4, '0')}-${mutation.kind}-${base.name}`, kind: mutation.kind, base: base.name, detail, bytes };
}

async function plan(seed: number, index: number): Promise<{ mutation: Mutation; rng: Rng; base: Base }> {
  const bases = await loadBases();
  const mutation = MUTATIONS[index % MUTATIONS.length]!;
  const rng = Rng.forVariant(seed, index);
  const base = rng.pick(bases.filter((b) => !mutation.applies || mutation.applies(b)));
  return { mutation, rng, base };
}

/**
 * The indexes of a quick slice of the corpus: the first `perKind` variants of every kind whose
 * base is one of `bases` (small samples that convert in well under a second), in index order.
 */
export async function sliceIndexes(seed: number, perKind: number, bases: readonly string[]): Promise<number[]> {
  const taken = new Map<string, number>();
  const indexes: number[] = [];
  for (let index = 0; indexes.length < perKind * MUTATIONS.length && index < 100 * MUTATIONS.length; index++) {
    const { mutation, base } = await plan(seed, index);
    if (!bases.includes(base.name) || (taken.get(mutation.kind) ?? 0) >= perKind) continue;
    taken.set(mutation.kind, (taken.get(mutation.kind) ?? 0) + 1);
    indexes.push(index);
  }
  return indexes;
}

/** Variants start … start + count − 1 of the corpus of `seed`, made one at a time (a variant can be tens of MB). */
export async function* generateCorpus(seed: number, count: number, start = 0): AsyncGenerator<Variant> {
  for (let index = start; index < start + count; index++) yield await variantAt(seed, index);
}

export function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const KINDS: readonly string[] = MUTATIONS.map((m) => m.kind);
