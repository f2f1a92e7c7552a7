/** Leaf's operation types (leaf-api.md §2.3 `operationType` filter); anything else is rejected as unsupported (§7). */
export const OPERATION_TYPES = ['planted', 'applied', 'harvested', 'tillage'] as const;

export type OperationType = (typeof OPERATION_TYPES)[number];

const TYPES: ReadonlySet<string> = new Set(OPERATION_TYPES);

export function isOperationType(x: string): x is OperationType {
  return TYPES.has(x);
}
