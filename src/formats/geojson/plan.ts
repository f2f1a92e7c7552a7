import type { OperationType } from '../../model/operations.ts';
import { isStandardProperty, targetUnit, type StandardProperty } from '../../model/properties.ts';
import { DatasetError, type ColumnSpec, type ProductUse } from '../types.ts';
import { ASSUMED_UNITS, DERIVED_NAMES, normalizeName, NUMERIC_ALIASES, operationTypeFromWord, REQUIRED_VALUE, TEXT_ALIASES, TIME_NAMES, TYPE_EVIDENCE, type TextRole } from './names.ts';
import type { GeoJsonScan } from './scan.ts';

/** How one source property fills one batch column. */
export interface ColumnReader {
  source: string;
  column: string;
  kind: 'number' | 'string' | 'recording';
}

export interface OperationPlan {
  type: OperationType;
  /** Values of the operation-type property whose features make this operation; undefined = every feature. */
  words?: ReadonlySet<string>;
}

export interface GeoJsonPlan {
  timeKey: string;
  typeKey?: string;
  operations: OperationPlan[];
  columns: ColumnSpec[];
  readers: ColumnReader[];
  /** Column fed by the geometry's third coordinate, when no property gives the elevation. */
  zColumn?: string;
  crop?: string;
  varieties: string[];
  products: ProductUse[];
  originalOperationType?: string;
  warnings: string[];
}

/** The raw output's own time property: a source property of that name gets another key. */
const RAW_TIME_KEY = 'time';

function mostCommon(values: Map<string, number> | undefined): string | undefined {
  if (!values || values.size === 0) return undefined;
  return [...values].sort((a, b) => b[1] - a[1])[0]![0];
}

/** The file's first property (by alias order) whose normalized name is one of `names`. */
function findKey(byName: Map<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const key = byName.get(name);
    if (key !== undefined) return key;
  }
  return undefined;
}

function list(names: readonly string[]): string {
  return names.join(', ');
}

/**
 * Decides, from the scan of a GeoJSON file, which property is the time, which properties feed
 * which standard properties in which units, and which operations the file holds. Throws a
 * DatasetError naming what is missing when the file cannot make an operation.
 */
export function planGeoJson(file: string, scan: GeoJsonScan, unitsFile: ReadonlyMap<StandardProperty, string>): GeoJsonPlan {
  const warnings: string[] = [];
  if (scan.points === 0) {
    const skipped = [...scan.skipped].map(([why, n]) => `${n} with ${why}`).join(', ');
    throw new DatasetError(`${file}: no point to convert: ${scan.features === 0 ? 'the collection holds no features' : `its ${scan.features} features have no usable Point or MultiPoint geometry (${skipped})`}`);
  }
  if (scan.skipped.size > 0) {
    const total = [...scan.skipped.values()].reduce((a, b) => a + b, 0);
    const why = [...scan.skipped].map(([reason, n]) => `${n} ${reason}`).join(', ');
    warnings.push(`${file}: ${total} of ${scan.features} features were skipped (${why}): only Point features are points, and a MultiPoint gives its first point`);
  }
  if (scan.extraKeys > 0) warnings.push(`${file}: properties beyond the first 500 names were ignored (${scan.extraKeys} values)`);

  // Normalized name → the first source key with that name.
  const byName = new Map<string, string>();
  for (const key of scan.keys.keys()) if (!byName.has(normalizeName(key))) byName.set(normalizeName(key), key);
  const present = [...scan.keys.keys()];

  const timeKey = TIME_NAMES.map((name) => byName.get(name)).find((key) => key !== undefined && (scan.times.get(key)?.ok ?? 0) > 0);
  if (timeKey === undefined) {
    throw new DatasetError(
      `${file}: no point has a time: a "timestamp" property (ISO 8601 text or epoch seconds/milliseconds) is required; looked for ${list(TIME_NAMES)} among the properties ${list(present)}`,
    );
  }
  const time = scan.times.get(timeKey)!;
  if (time.ok < scan.points) warnings.push(`${file}: ${scan.points - time.ok} of ${scan.points} points have no readable "${timeKey}" and were skipped`);
  if (time.zoneless > 0) warnings.push(`${file}: ${time.zoneless} "${timeKey}" values carry no time zone and were read as UTC`);

  // Numbers that feed standard properties.
  const standardOf = new Map<string, { standard: StandardProperty; unit?: string }>();
  const assumed: string[] = [];
  for (const alias of NUMERIC_ALIASES) {
    const name = alias.names.find((n) => {
      const key = byName.get(n);
      return key !== undefined && key !== timeKey && !standardOf.has(key) && (alias.standard === 'recordingStatus' || scan.keys.get(key)!.numbers > 0);
    });
    if (name === undefined) continue;
    const key = byName.get(name)!;
    let unit = alias.units?.[name];
    if (!unit && unitsFile.has(alias.standard)) {
      const fromFile = unitsFile.get(alias.standard)!;
      try {
        targetUnit(alias.standard, 'default', fromFile);
        unit = fromFile;
      } catch {
        warnings.push(`${file}: units.json gives ${alias.standard} in ${fromFile}, which it cannot be measured in; ignored`);
      }
    }
    if (!unit && ASSUMED_UNITS[alias.standard]) {
      unit = ASSUMED_UNITS[alias.standard]!;
      assumed.push(`${key} ${unit}`);
    }
    standardOf.set(key, { standard: alias.standard, unit });
  }
  if (assumed.length > 0) {
    warnings.push(`${file}: no unit information for ${list(assumed.map((a) => a.split(' ')[0]!))}: Farmobile's US default units were assumed (${list(assumed)}); put a units.json (Leaf's units format) beside the file to state them`);
  }
  const mapped = new Set([...standardOf.values()].map((s) => s.standard));

  // Operation types: named by a property, or told by the values present.
  const typeKey = findKey(byName, TEXT_ALIASES.operationType);
  const operations: OperationPlan[] = [];
  if (typeKey !== undefined) {
    const byType = new Map<OperationType, Set<string>>();
    const unknown: string[] = [];
    for (const [word, count] of scan.texts.get(typeKey) ?? []) {
      const type = operationTypeFromWord(word);
      if (type) byType.set(type, (byType.get(type) ?? new Set()).add(word));
      else unknown.push(`"${word}" (${count})`);
    }
    for (const [type, words] of byType) operations.push({ type, words });
    if (unknown.length > 0) {
      warnings.push(`${file}: ${typeKey} values ${list(unknown)} are not an operation type (planted, applied, harvested, tillage)${operations.length > 0 ? '; their features were skipped' : ''}`);
    }
  }
  if (operations.length === 0) {
    const inferred = TYPE_EVIDENCE.find(([, evidence]) => evidence.some((p) => mapped.has(p)));
    if (!inferred) {
      throw new DatasetError(
        `${file}: cannot tell the operation type: no operationType property${typeKey ? ' with a known value' : ''}, and no yield, seed rate, applied rate or tillage depth property (looked for ${list(TYPE_EVIDENCE.flatMap(([, e]) => e))} and their variants) among ${list(present)}`,
      );
    }
    operations.push({ type: inferred[0] });
  }
  for (const { type } of operations) {
    const needed = REQUIRED_VALUE[type];
    if (needed.length > 0 && !needed.some((p) => mapped.has(p))) {
      const variants = NUMERIC_ALIASES.filter((a) => needed.includes(a.standard)).flatMap((a) => a.names.slice(1));
      throw new DatasetError(
        `${file}: ${type} data needs the required property ${needed.join(' or ')} (or a variant: ${list(variants)}), which no feature has; its properties are ${list(present)}`,
      );
    }
  }

  // Columns: every property the file logs, in its order, so the raw output keeps the source's values.
  const columns: ColumnSpec[] = [];
  const readers: ColumnReader[] = [];
  const used = new Set<string>([RAW_TIME_KEY]);
  const columnKey = (source: string) => {
    let key = source;
    for (let n = 2; used.has(key); n++) key = `${source}_${n}`;
    used.add(key);
    return key;
  };
  const objects: string[] = [];
  for (const [source, stats] of scan.keys) {
    if (source === timeKey) continue;
    const target = standardOf.get(source);
    const unitFromFile = (name: string) => (isStandardProperty(name) ? unitsFile.get(name) : undefined);
    if (target) {
      const column = columnKey(source);
      columns.push({ key: column, label: source, kind: 'number', unit: target.unit, standard: target.standard });
      readers.push({ source, column, kind: target.standard === 'recordingStatus' ? 'recording' : 'number' });
    } else if (stats.numbers > 0 && stats.numbers >= stats.texts) {
      const column = columnKey(source);
      // Values the engine derives itself (area, wetMass...) keep their unit from units.json in the raw output.
      const unit = DERIVED_NAMES.has(normalizeName(source)) ? unitFromFile(source) : undefined;
      // A per-point area with its unit is taken as logged (gaps already zeroed by whoever wrote it).
      const standard = unit && normalizeName(source) === 'area' ? ({ standard: 'area' } as const) : {};
      columns.push({ key: column, label: source, kind: 'number', ...(unit ? { unit } : {}), ...standard });
      readers.push({ source, column, kind: 'number' });
    } else if (stats.texts > 0) {
      const column = columnKey(source);
      columns.push({ key: column, label: source, kind: 'string' });
      readers.push({ source, column, kind: 'string' });
    } else if (stats.objects > 0 && !(TEXT_ALIASES.product as readonly string[]).includes(normalizeName(source))) objects.push(source);
  }
  if (objects.length > 0) warnings.push(`${file}: properties holding objects or lists (${list(objects)}) are not per-point values and were left out`);
  let zColumn: string | undefined;
  if (!mapped.has('elevation') && scan.withZ > 0) {
    zColumn = columnKey('geometryZ');
    // RFC 7946 §3.1.1: the third position element is the height in metres.
    columns.push({ key: zColumn, label: 'Height from the point geometry (third coordinate)', kind: 'number', unit: 'm', standard: 'elevation' });
  }

  const texts = (role: TextRole) => {
    const key = findKey(byName, TEXT_ALIASES[role]);
    return key === undefined ? undefined : scan.texts.get(key);
  };
  const crops = texts('crop');
  const crop = mostCommon(crops);
  if (crops && crops.size > 1) warnings.push(`${file}: several crops are named (${list([...crops.keys()])}); the most common, ${crop}, is used for the operation`);
  return {
    timeKey,
    typeKey,
    operations,
    columns,
    readers,
    zColumn,
    crop: crop?.toLowerCase(),
    varieties: [...(texts('variety')?.keys() ?? [])],
    products: [...(texts('product')?.keys() ?? [])].map((name) => ({ name })),
    originalOperationType: mostCommon(texts('originalOperationType')),
    warnings,
  };
}
