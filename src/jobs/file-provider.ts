import { isProvider, type Provider } from '../formats/providers.ts';

/**
 * Machine brands (as ISOXML's TaskControllerManufacturer and similar fields spell them, lower-case
 * letters and digits only) that are one of Leaf's providers: a CNH Pro 1200 writes ISOXML, and Leaf
 * lists it under CNHI. Matched as prefixes ("johndeere…", "trimblenavigation…").
 */
const BRAND_PROVIDERS: readonly [prefix: string, provider: Provider][] = [
  ['cnh', 'CNHI'],
  ['caseih', 'CNHI'],
  ['newholland', 'CNHI'],
  ['johndeere', 'JohnDeere'],
  ['deere', 'JohnDeere'],
  ['trimble', 'Trimble'],
  ['agleader', 'AgLeader'],
  ['precisionplanting', 'PrecisionPlanting'],
  ['climate', 'ClimateFieldView'],
  ['theclimatecorporation', 'ClimateFieldView'],
  ['farmobile', 'Farmobile'],
];

export function providerOfBrand(brand: string): Provider | undefined {
  const key = brand.toLowerCase().replace(/[^a-z0-9]/g, '');
  return BRAND_PROVIDERS.find(([prefix]) => key.startsWith(prefix))?.[1];
}

/**
 * `provider` and `machineBrand` of a converted operation's file entry. `provider` is always one of
 * Leaf's values (leaf-api.md §8): the one the upload named, or, for `Other`, the provider whose
 * format the file is (a Gen4 log is JohnDeere's), else the one of the machine's brand, else `Other`.
 * The brand a reader found (e.g. "AGCO", "Kverneland Group Mechatronics") is kept as `machineBrand`.
 */
export function entryProvider(uploadProvider: string, readerProvider: string): { provider: string; machineBrand: string | null } {
  const brand = isProvider(readerProvider) ? null : readerProvider;
  if (uploadProvider !== 'Other') return { provider: uploadProvider, machineBrand: brand };
  if (brand === null) return { provider: readerProvider, machineBrand: null };
  return { provider: providerOfBrand(brand) ?? 'Other', machineBrand: brand };
}
