import type { ColumnSpec, Machine, OperationMeta, ProductUse } from '../formats/types.ts';

/** Sources that cannot become one operation; the message goes to the merged file's statusDetails. */
export class MergeConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeConflictError';
  }
}

export interface LabelledMeta {
  /** How messages name the source (its file id). */
  label: string;
  meta: OperationMeta;
}

function describe(column: ColumnSpec): string {
  return `${column.kind}${column.unit ? ` in ${column.unit}` : ''}${column.standard ? ` (${column.standard})` : ''}`;
}

/** Columns of every source by key; one key must mean the same value in the same unit everywhere, or the merged points would mix units. */
function unionColumns(sources: readonly LabelledMeta[]): ColumnSpec[] {
  const byKey = new Map<string, { column: ColumnSpec; label: string }>();
  for (const { label, meta } of sources) {
    for (const column of meta.columns) {
      const seen = byKey.get(column.key);
      if (!seen) {
        byKey.set(column.key, { column, label });
        continue;
      }
      const a = seen.column;
      if (a.kind !== column.kind || a.unit !== column.unit || a.standard !== column.standard) {
        throw new MergeConflictError(`Files cannot be merged: the value "${column.key}" (${column.label}) is ${describe(a)} in file ${seen.label} but ${describe(column)} in file ${label}`);
      }
    }
  }
  return [...byKey.values()].map((v) => v.column);
}

function common<T>(values: readonly T[]): T | undefined {
  return values.every((v) => v === values[0]) ? values[0] : undefined;
}

function distinct<T>(values: readonly T[], key: (v: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const value of values) if (!seen.has(key(value))) seen.set(key(value), value);
  return [...seen.values()];
}

/** One operation's metadata for the points of several, in the order given. */
export function combineMeta(sources: readonly LabelledMeta[]): OperationMeta {
  if (sources.length === 0) throw new MergeConflictError('Files cannot be merged: no source operation');
  const metas = sources.map((s) => s.meta);
  const operationType = common(metas.map((m) => m.operationType));
  if (!operationType) throw new MergeConflictError(`Files cannot be merged: their operation types differ (${distinct(metas.map((m) => m.operationType)).join(', ')})`);
  const columns = unionColumns(sources);
  const warnings = distinct(metas.flatMap((m) => m.warnings));
  const crops = distinct(metas.map((m) => m.crop ?? ''));
  const crop = crops.length === 1 ? metas[0]!.crop : undefined;
  if (crops.length > 1) warnings.push(`the merged files record different crops (${crops.map((c) => c || 'none').join(', ')}); the merged operation has no crop`);
  return {
    id: 'merged',
    operationType,
    originalOperationType: distinct(metas.map((m) => m.originalOperationType)).join(', '),
    fileFormat: common(metas.map((m) => m.fileFormat)) ?? 'MIXED',
    provider: common(metas.map((m) => m.provider)) ?? 'Leaf',
    crop,
    varieties: distinct(metas.flatMap((m) => m.varieties)),
    products: distinct(
      metas.flatMap((m) => m.products),
      (p: ProductUse) => `${p.name}\n${p.type ?? ''}`,
    ),
    grower: common(metas.map((m) => m.grower)),
    farm: common(metas.map((m) => m.farm)),
    field: common(metas.map((m) => m.field)),
    description: common(metas.map((m) => m.description)),
    machinery: distinct(
      metas.flatMap((m) => m.machinery),
      (m: Machine) => `${m.type}\n${m.name}\n${m.serialNumber ?? ''}`,
    ),
    columns,
    warnings,
    reader: distinct(metas.map((m) => m.reader)).join(' + '),
  };
}
