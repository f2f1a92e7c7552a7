import { isUnit, unit, type Dimension } from '../../model/units.ts';

/**
 * Gen4 channel units (header 5.10.2.7.5.5) are John Deere unit codes: symbols with exponents,
 * compound symbols in brackets: `seeds1ac-1` = seeds·ac⁻¹, `[mm3]1[m2]-1` = mm³·m⁻², `mg1sec-1`,
 * `km1hr-1`, `seeds1[m2]-1`; plain symbols stand alone (`ppm`, `ml`, `l`, `kPa`, `prcnt`).
 * This turns one into Furrow's unit code, or undefined when Furrow has no such unit.
 */

/** Deere symbols Furrow spells differently. */
const SYMBOLS: Readonly<Record<string, string>> = { hr: 'h', sec: 's', l: 'L', prcnt: 'percentage', RPM: 'rpm', deg: 'arcdeg', ha: 'ha' };

const TERM = /(\[[^\]]+\]|[A-Za-z]+)(-?\d+)/g;

function symbol(text: string): string {
  const bare = text.startsWith('[') ? text.slice(1, -1) : text;
  return SYMBOLS[bare] ?? bare;
}

export function gen4Unit(code: string | undefined): string | undefined {
  if (!code) return undefined;
  if (isUnit(SYMBOLS[code] ?? code)) return SYMBOLS[code] ?? code;
  const terms = [...code.matchAll(TERM)];
  if (terms.length === 0 || terms.map((t) => t[0]).join('') !== code) return undefined;
  const up = terms.filter((t) => Number(t[2]) === 1).map((t) => symbol(t[1]!));
  const down = terms.filter((t) => Number(t[2]) === -1).map((t) => symbol(t[1]!));
  // Only "a per b" is a unit Furrow has; other exponents (m2 written as m with exponent 2) are not used by Gen4.
  if (up.length !== 1 || down.length > 1 || up.length + down.length !== terms.length) return undefined;
  const candidate = down.length === 0 ? up[0]! : `${up[0]}/${down[0]}`;
  // `km/h` is Furrow's code, `mi/hr` Leaf's: try both spellings of the hour.
  for (const c of [candidate, candidate.replace(/\/h$/, '/hr')]) if (isUnit(c)) return c;
  return undefined;
}

/** The Furrow unit of a declared Gen4 unit when it measures `dimension`, else undefined. */
export function gen4UnitOf(code: string | undefined, dimensions: readonly Dimension[]): string | undefined {
  const found = gen4Unit(code);
  return found && dimensions.includes(unit(found).dimension) ? found : undefined;
}
