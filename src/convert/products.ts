import type { ProductUse } from '../formats/types.ts';

/**
 * Which of an application's products the rate column meters: the only product, or the one product
 * that is not a part of a mix (the tank mix its components and carrier belong to). -1 when the file
 * lists several products without saying which one the rate is of: no rate is given to any then.
 */
export function meteredProduct(parts: readonly ProductUse[]): number {
  const whole = parts.flatMap((part, i) => (part.type ? [] : [i]));
  if (whole.length === 1) return whole[0]!;
  return parts.length === 1 ? 0 : -1;
}

/** Whether the products form a tank mix: the file names components or a carrier of what was applied. */
export function isTankMix(parts: readonly ProductUse[]): boolean {
  return parts.some((part) => part.type === 'Component' || part.type === 'Carrier');
}
