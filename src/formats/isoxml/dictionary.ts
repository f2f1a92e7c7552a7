import { DDI_ENTRIES } from './ddi-dictionary.ts';

/** One ISO 11783-11 data dictionary entry. */
export interface DdiDefinition {
  ddi: number;
  name: string;
  /** Unit text as the dictionary writes it (`mg/m²`, `ppm`, `n.a.`, `#`, or empty). */
  unit: string;
  /** Value in `unit` = raw integer × resolution. */
  resolution: number;
}

const BY_DDI = new Map<number, DdiDefinition>(DDI_ENTRIES.map(([ddi, name, unit, resolution]) => [ddi, { ddi, name, unit, resolution }]));

export function lookupDdi(ddi: number): DdiDefinition | undefined {
  return BY_DDI.get(ddi);
}

/** ISO 11783-11 reserves 0xE000–0xFFFE for manufacturer-specific (proprietary) DDIs. */
export function isProprietaryDdi(ddi: number): boolean {
  return ddi >= 0xe000 && ddi <= 0xfffe;
}

/** DDIs are written as 4 hex digits, upper case, as in `0054_DET-1` keys. */
export function ddiHex(ddi: number): string {
  return ddi.toString(16).toUpperCase().padStart(4, '0');
}

/** Parses a DDI attribute (`0054`, `54`, `005a`); NaN when it is not hexadecimal. */
export function parseDdi(text: string | undefined): number {
  if (text === undefined || !/^[0-9A-Fa-f]{1,4}$/.test(text.trim())) return NaN;
  return Number.parseInt(text.trim(), 16);
}
