import type { MetadataStore, Owner } from '../../store/types.ts';

/**
 * Owners by id for the token check of every request, kept `ttlMs` so that a burst of requests
 * costs one lookup. This process's own changes (password, disable, delete) drop the entry at
 * once; another API process's reach this one within `ttlMs`. Missing owners are remembered too:
 * a deleted owner's tokens hammering the API cost no more than valid ones.
 */
export class OwnerCache {
  private readonly entries = new Map<string, { owner: Owner | undefined; until: number }>();
  /** Bumped by invalidate(): a lookup that started before a change must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly store: Pick<MetadataStore, 'getOwner'>,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<Owner | undefined> {
    const cached = this.entries.get(id);
    if (cached && cached.until > this.now()) return cached.owner;
    const generation = this.generation;
    const owner = await this.store.getOwner(id);
    if (generation !== this.generation) return owner;
    this.entries.delete(id);
    this.entries.set(id, { owner, until: this.now() + this.ttlMs });
    // Oldest first in a Map: past the bound the entry read longest ago goes.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return owner;
  }

  invalidate(id: string): void {
    this.generation += 1;
    this.entries.delete(id);
  }
}
