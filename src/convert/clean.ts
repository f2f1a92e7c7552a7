import type { PointBatch } from '../model/batch.ts';

export type RuleOperator = 'GT' | 'GTE' | 'LT' | 'LTE' | 'EQ' | 'NE';

export interface CleanupRule {
  property: string;
  operator: RuleOperator;
  value: number | string;
}

/**
 * Leaf's default `cleanupRules` (leaf-api.md §4.3). A point must pass every rule whose property
 * the operation logs; a point without a value for such a property is removed as "missing".
 * A property the operation does not log at all is not filtered. `products GTE 0` has no per-point number in
 * our output (products are listed per operation), so it has nothing to test here.
 */
export const DEFAULT_CLEANUP_RULES: readonly CleanupRule[] = [
  { property: 'wetMass', operator: 'GT', value: 0 },
  { property: 'wetMassPerArea', operator: 'GT', value: 0 },
  { property: 'wetVolume', operator: 'GT', value: 0 },
  { property: 'wetVolumePerArea', operator: 'GT', value: 0 },
  { property: 'appliedRate', operator: 'GT', value: 0 },
  { property: 'seedRate', operator: 'GT', value: 0 },
  { property: 'harvestMoisture', operator: 'GT', value: 0 },
  { property: 'harvestMoisture', operator: 'LT', value: 100 },
  { property: 'tillageDepthActual', operator: 'GTE', value: 0 },
  { property: 'recordingStatus', operator: 'EQ', value: 'On' },
  { property: 'crop', operator: 'NE', value: 'unknown' },
];

/** The rule's comparison, made once per rule: applied to every value of a column, it costs no operator switch or type test per value. */
function comparison<T extends number | string>(operator: RuleOperator, expected: T): (actual: T) => boolean {
  switch (operator) {
    case 'GT':
      return (actual) => actual > expected;
    case 'GTE':
      return (actual) => actual >= expected;
    case 'LT':
      return (actual) => actual < expected;
    case 'LTE':
      return (actual) => actual <= expected;
    case 'EQ':
      return (actual) => actual === expected;
    case 'NE':
      return (actual) => actual !== expected;
  }
}

/**
 * Returns, for each point of a standardized batch, null when it passes or the rule that removed
 * it (as `property operator value`), so that later outputs can say why a point is gone.
 * `constants` are the text properties every point of the operation shares (crop, ...).
 */
export function cleanupReasons(batch: PointBatch, constants: ReadonlyMap<string, string>, rules: readonly CleanupRule[] = DEFAULT_CLEANUP_RULES): (string | null)[] {
  const reasons = new Array<string | null>(batch.length).fill(null);
  for (const rule of rules) {
    const label = `${rule.property} ${rule.operator} ${rule.value}`;
    const constant = constants.get(rule.property);
    if (constant !== undefined) {
      if (!comparison<number | string>(rule.operator, rule.value)(constant)) for (let i = 0; i < reasons.length; i++) reasons[i] ??= label;
      continue;
    }
    const numbers = batch.numbers.get(rule.property);
    const strings = batch.strings.get(rule.property);
    if (!numbers && !strings) continue;
    const missing = `${rule.property} missing`;
    if (numbers && typeof rule.value === 'number') {
      const test = comparison(rule.operator, rule.value);
      for (let i = 0; i < batch.length; i++) {
        if (reasons[i] !== null) continue;
        const value = numbers[i]!;
        if (Number.isNaN(value)) reasons[i] = missing;
        else if (!test(value)) reasons[i] = label;
      }
      continue;
    }
    const passes = comparison<number | string>(rule.operator, rule.value);
    for (let i = 0; i < batch.length; i++) {
      if (reasons[i] !== null) continue;
      const value = numbers ? numbers[i]! : strings ? strings[i]! : null;
      // A logged property without a value at this point (before its first reading) cannot pass its rule.
      if (value === null || (typeof value === 'number' && Number.isNaN(value))) reasons[i] = missing;
      else if (!passes(value)) reasons[i] = label;
    }
  }
  return reasons;
}
