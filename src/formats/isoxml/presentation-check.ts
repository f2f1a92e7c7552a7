import { converter, isUnit } from '../../model/units.ts';
import type { DdiDefinition } from './dictionary.ts';
import type { DeviceValuePresentation } from './taskdata.ts';

/** Unit texts task controllers write in DVP E that are not unit codes as they stand. */
const ALIASES: Readonly<Record<string, string>> = {
  l: 'L',
  'l/ha': 'L/ha',
  'l/h': 'L/h',
  prozent: '%',
  sec: 's',
  msec: 'ms',
  hr: 'h',
};

function unitCode(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  const code = ALIASES[trimmed.toLowerCase()] ?? trimmed;
  return isUnit(code) ? code : undefined;
}

/**
 * Compares what one raw step means by the dictionary (resolution in the dictionary unit) with
 * what the device's presentation says (DVP scale in the DVP unit). They should agree; on the
 * samples they sometimes do not, by powers of ten: the AGCO card's DVPs show a 15 m boom as
 * 150 m and 35 L/ha as 3 511 L/ha (the dictionary reading is the plausible one), while the KRONE
 * baler presents crop moisture 0x0063 in 0.1 % steps where the dictionary has 1 ppm (its 13.6 %
 * becomes 0.0136 % by the dictionary). A disagreement of 3× or more is reported; the dictionary,
 * which is what the DDI means, is kept, except for a column feeding a standard property whose
 * values are plausible by the device's reading only (plausibility.ts).
 * Returns how many times larger the device's step is, or undefined when they agree or cannot be compared.
 * DVP scales are single-precision floats (0.1000000015 is 0.1 as float32), so a ratio within a
 * millionth of a power of ten is that power of ten.
 */
export function presentationFactor(dictionary: DdiDefinition, dictionaryUnit: string | undefined, dvp: DeviceValuePresentation): number | undefined {
  const presented = unitCode(dvp.unit);
  if (!dictionaryUnit || !presented || dvp.offset !== 0 || !(dvp.scale > 0)) return undefined;
  let perStep: number;
  try {
    perStep = converter(dictionaryUnit, presented)(dictionary.resolution);
  } catch {
    return undefined; // different dimensions: the DVP unit text is not about this quantity
  }
  const measured = dvp.scale / perStep;
  const power = 10 ** Math.round(Math.log10(measured));
  const ratio = Math.abs(measured / power - 1) < 1e-6 ? power : measured;
  return ratio >= 3 || ratio <= 1 / 3 ? ratio : undefined;
}

export function describeFactor(ratio: number): string {
  const round = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toPrecision(2));
  return ratio >= 1 ? `${round(ratio)}× larger` : `${round(1 / ratio)}× smaller`;
}
