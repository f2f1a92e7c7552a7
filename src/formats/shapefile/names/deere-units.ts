import { isUnit } from '../../../model/units.ts';

/** JD unit symbols whose Furrow code is spelt differently. */
const SYMBOLS: Readonly<Record<string, string>> = { hr: 'h', sec: 's', l: 'L', prcnt: 'percentage', deg: 'arcdeg', arcdeg: 'arcdeg', mph: 'mi/hr', kph: 'km/h' };

/** Units Furrow has no code for, read through a scaled one. */
const SCALED: Readonly<Record<string, { unit: string; scale: number }>> = {
  'ml/ha': { unit: 'L/ha', scale: 0.001 },
  'bu/h': { unit: 'bu/s', scale: 1 / 3600 },
  'lb/h': { unit: 'lb/s', scale: 1 / 3600 },
};

/**
 * Furrow's unit code (and a scale, when Furrow only has a multiple of it) for a John Deere unit
 * code in ADAPT's "symbol + exponent" grammar: `bu1ac-1` = bu·ac⁻¹ → `bu/ac`, `seeds1ac-1`,
 * `gal1ac-1`, `km1hr-1` → `km/h`, plain `ft`, `prcnt`. Undefined when there is no match.
 */
export function deereUnit(code: string | undefined): { unit: string; scale?: number } | undefined {
  if (!code) return undefined;
  const plain = SYMBOLS[code] ?? code;
  if (isUnit(plain)) return { unit: plain };
  const terms = [...code.matchAll(/([A-Za-z]+)(-?\d+)/g)];
  if (terms.length === 0 || terms.map((t) => t[0]).join('') !== code) return undefined;
  const symbol = (s: string) => SYMBOLS[s] ?? s;
  const up = terms.filter((t) => Number(t[2]) > 0).map((t) => symbol(t[1]!) + (Number(t[2]) > 1 ? t[2] : ''));
  const down = terms.filter((t) => Number(t[2]) < 0).map((t) => symbol(t[1]!) + (Number(t[2]) < -1 ? t[2]!.slice(1) : ''));
  if (up.length !== 1 || down.length > 1) return undefined;
  const candidate = down.length === 0 ? up[0]! : `${up[0]}/${down[0]}`;
  // `km/h` is Furrow's code but `mi/hr` is Leaf's: try both spellings of the hour.
  for (const c of [candidate, candidate.replace(/\/h$/, '/hr')]) if (isUnit(c)) return { unit: c };
  return SCALED[candidate];
}
