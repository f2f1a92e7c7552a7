import { lookupCrop } from '../../../model/crops.ts';

/**
 * The crop-table name for an exporter's crop word: `SOYBEANS`, `CORN_WET` (John Deere crop
 * tokens: crop, then qualifiers), `WHEAT_HRD_RD_SPR` → `wheat (hrd rd spr)` as Leaf's table
 * spells it. Undefined when nothing in the table matches.
 */
export function cropFromToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const words = token.trim().toLowerCase().split(/[_\s]+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const candidates = [words.join(' '), words.length > 1 ? `${words[0]} (${words.slice(1).join(' ')})` : '', words[0]!, words[0]!.endsWith('s') ? words[0]!.slice(0, -1) : `${words[0]}s`];
  for (const candidate of candidates) {
    const crop = candidate && lookupCrop(candidate);
    if (crop) return crop.name;
  }
  return undefined;
}

/** John Deere's integer crop ids in the `Crop` column (formats.md §6.1, observed in exports). */
const DEERE_CROP_IDS: ReadonlyMap<number, string> = new Map([
  [173, 'corn'],
  [174, 'soybeans'],
  [25, 'wheat (hrd rd spr)'],
  [26, 'wheat (hrd rd wtr)'],
]);

export function deereCropId(id: number): string | undefined {
  return DEERE_CROP_IDS.get(id);
}
