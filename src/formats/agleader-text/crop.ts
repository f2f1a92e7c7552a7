import { lookupCrop } from '../../model/crops.ts';

/**
 * The crop-table name for the monitor's grain type word (`CORN`, `SOYBEANS`, `WHEAT`): the word
 * itself, then its singular or plural, so that `SOYBEAN` finds `soybeans`. Undefined when nothing
 * in the table matches; no closer guess is made, because a wrong crop silently changes the test
 * weight and standard moisture behind every dry and volume value.
 */
export function cropForGrainType(grainType: string): string | undefined {
  const word = grainType.trim().toLowerCase().replace(/[_\s]+/g, ' ');
  if (word === '') return undefined;
  const candidates = [word, word.endsWith('s') ? word.slice(0, -1) : `${word}s`];
  for (const candidate of candidates) {
    const crop = lookupCrop(candidate);
    if (crop) return crop.name;
  }
  return undefined;
}
