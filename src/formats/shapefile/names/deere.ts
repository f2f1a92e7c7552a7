import type { OperationType } from '../../../model/operations.ts';
import type { StandardProperty } from '../../../model/properties.ts';
import { DatasetError, type Machine, type ProductUse } from '../../types.ts';
import { completeMappings, findField, standardMapping, type FieldMapping, type LayerContext, type LayerPlan, type TimeSource } from '../plan.ts';
import { cropFromToken, deereCropId } from './crop.ts';
import { deereUnit } from './deere-units.ts';

/** The parts of `<base>-Deere-Metadata.json` Furrow uses (formats.md §2.3). */
interface DeereMetadata {
  ClientName?: string;
  FarmName?: string;
  FieldName?: string;
  Operation?: string;
  CropSeason?: number;
  CropToken?: string;
  Product?: { ProductName?: string; TankMix?: boolean; Components?: { Name?: string; Carrier?: boolean }[] };
  DataAttributes?: { Name?: string; Unit?: string; Description?: string }[];
  MachineUsage?: Record<string, { MachineId?: string; MachineSerial?: string }>;
}

const OPERATIONS: Readonly<Record<string, OperationType>> = {
  harvest: 'harvested',
  seeding: 'planted',
  planting: 'planted',
  application: 'applied',
  tillage: 'tillage',
};

/** Columns whose meaning does not depend on the operation (formats.md §6.1). */
const COMMON: Readonly<Record<string, { standard: StandardProperty; unit?: string }>> = {
  DISTANCE: { standard: 'distance' },
  // "Width Of Element": the point's section or row. A section that is off logs no point (the seeding
  // export has 1–16 of its rows per time step), so no column says "off" and the engine's working width
  // (equipmentWidth unless switched off) is this width: the 110 ft points of the Gen4 sprayer export
  // are its boom with one 3.429 m section off.
  SWATHWIDTH: { standard: 'equipmentWidth' },
  SECTIONID: { standard: 'sectionId' },
  // JD gives heading no unit in the JSON; it is degrees clockwise from north (0-360 in the samples).
  HEADING: { standard: 'heading', unit: 'arcdeg' },
  ELEVATION: { standard: 'elevation' },
  VEHICLSPEED: { standard: 'speed' },
};

/**
 * Harvest yield columns. `VRYIELDVOL` is the *dry* volume, bushels at the crop's standard moisture:
 * on the Gen4 corn export WetMass × (100 − Moisture) / 85 / 56 reproduces it point by point (median
 * ratio 1.0004) while WetMass / 56 is 2.6 % above it (test/formats/jd-gen4/oracle.test.ts). On the
 * soybean export the two cannot be told apart: its moisture (12.8 %) is close to soybeans' 13 %.
 */
const HARVEST: Readonly<Record<string, StandardProperty>> = {
  VRYIELDVOL: 'dryVolumePerArea',
  WETMASS: 'wetMassPerArea',
  VRYIELDMAS: 'wetMassPerArea',
  MOISTURE: 'harvestMoisture',
  VRMOISTURE: 'harvestMoisture',
};

/**
 * True for a layer exported by John Deere Operations Center / MyJohnDeere: a metadata JSON beside
 * it, or (when the JSON was lost) its characteristic columns.
 */
export function isDeereLayer(context: LayerContext): boolean {
  if (context.deereMetadata !== undefined) return true;
  const names = new Set(context.fields.map((f) => f.name.toUpperCase()));
  return names.has('ISOTIME') && names.has('SWATHWIDTH') && (names.has('SECTIONID') || names.has('VRYIELDVOL'));
}

export function deerePlan(context: LayerContext): LayerPlan {
  const meta = (typeof context.deereMetadata === 'object' && context.deereMetadata !== null ? context.deereMetadata : {}) as DeereMetadata;
  const warnings: string[] = [];
  if (context.deereMetadata === undefined) warnings.push(`${context.baseName}: no -Deere-Metadata.json beside the layer; units were taken as John Deere's imperial defaults`);
  const units = new Map<string, string>();
  for (const attribute of meta.DataAttributes ?? []) if (attribute.Name && attribute.Unit) units.set(attribute.Name.toUpperCase(), attribute.Unit);
  const fields = context.fields;

  const operationType = deereOperation(meta, context);
  const known: FieldMapping[] = [];
  const map = (name: string, standard: StandardProperty, fallbackUnit?: string) => {
    const field = findField(fields, name);
    if (!field || known.some((m) => m.field === field)) return;
    const jdCode = units.get(field.name.toUpperCase());
    const converted = deereUnit(jdCode);
    if (jdCode && !converted) warnings.push(`${field.name}: John Deere unit "${jdCode}" has no Furrow unit; the column is kept in the raw output only`);
    // Without the JSON, JD's US exports use these units (all six samples do).
    const unit = converted?.unit ?? (jdCode ? undefined : fallbackUnit);
    if (!unit && standard !== 'sectionId') return;
    const description = (meta.DataAttributes ?? []).find((a) => a.Name?.toUpperCase() === field.name.toUpperCase())?.Description;
    const mapping = standardMapping(field, standard, unit, description ? `${field.name} (${description}${jdCode ? `, ${jdCode}` : ''})` : field.name);
    if (converted?.scale !== undefined) mapping.scale = converted.scale;
    known.push(mapping);
  };
  for (const [name, spec] of Object.entries(COMMON)) map(name, spec.standard, spec.unit ?? (spec.standard === 'sectionId' ? undefined : spec.standard === 'speed' ? 'mi/hr' : 'ft'));
  if (operationType === 'harvested') {
    for (const [name, standard] of Object.entries(HARVEST)) map(name, standard, standard === 'harvestMoisture' ? 'percentage' : standard === 'dryVolumePerArea' ? 'bu/ac' : 'lb/ac');
  }
  const rateUnit = operationType === 'planted' ? 'seeds/ac' : 'gal/ac';
  if (operationType === 'planted') {
    map('AppliedRate', 'seedRate', rateUnit);
    map('TargetRate', 'seedRateTarget', rateUnit);
  } else if (operationType === 'applied') {
    map('AppliedRate', 'appliedRate', rateUnit);
    map('TargetRate', 'appliedRateTarget', rateUnit);
  }

  const mappings = completeMappings(fields, known);
  // Units of the columns kept raw, where the JSON gives one (ControlRate...).
  for (const m of mappings) {
    if (m.column.standard || m.kind !== 'number') continue;
    const converted = deereUnit(units.get(m.field.name.toUpperCase()));
    if (converted && converted.scale === undefined) m.column.unit = converted.unit;
  }

  const varietyField = findField(fields, 'VARIETY', 'Variety');
  const varieties = varietyField ? [...(context.distinct.get(varietyField.name) ?? [])] : [];
  const cropField = findField(fields, 'Crop');
  const cropIds = cropField ? (context.distinct.get(cropField.name) ?? []) : [];
  const crop = cropFromToken(meta.CropToken) ?? (cropIds.length === 1 ? deereCropId(Number(cropIds[0])) : undefined);
  if (operationType !== 'applied' && !crop && (meta.CropToken || cropIds.length > 0)) {
    warnings.push(`crop ${meta.CropToken ? `token "${meta.CropToken}"` : `id(s) ${cropIds.join(', ')}`} is not in the crop table`);
  }

  return {
    exporter: 'JohnDeere',
    operationType,
    originalOperationType: meta.Operation ?? operationType,
    crop,
    varieties,
    products: deereProducts(meta, context),
    grower: meta.ClientName || undefined,
    farm: meta.FarmName || undefined,
    field: meta.FieldName || undefined,
    description: context.baseName,
    machinery: deereMachines(meta),
    mappings,
    time: deereTime(context, warnings),
    warnings,
  };
}

function deereOperation(meta: DeereMetadata, context: LayerContext): OperationType {
  const fromJson = meta.Operation ? OPERATIONS[meta.Operation.toLowerCase()] : undefined;
  if (fromJson) return fromJson;
  const has = (name: string) => findField(context.fields, name) !== undefined;
  if (has('VRYIELDVOL') || has('WetMass') || has('VRYIELDMAS')) return 'harvested';
  if (has('AppliedRate') && (has('Variety') || has('Crop'))) return 'planted';
  if (has('AppliedRate')) return 'applied';
  throw new DatasetError(
    `${context.baseName}: the operation type is unknown: the metadata JSON ${meta.Operation ? `names "${meta.Operation}"` : 'names none'}, and no yield (VRYIELDVOL, WetMass) or rate (AppliedRate) column was found`,
  );
}

/**
 * The products of an application layer: the name the DBF's Product column gives (the tank mix's
 * own name, e.g. "Corn Rescue Use 1", where the JSON only says "Tank Mix"), then the JSON's
 * components and carrier. The DBF cuts names at its field width (23 characters); the layer's file
 * name ends with the whole name, so a cut name is completed from it.
 */
function deereProducts(meta: DeereMetadata, context: LayerContext): ProductUse[] {
  const products: ProductUse[] = [];
  const field = findField(context.fields, 'Product');
  for (const value of field ? (context.distinct.get(field.name) ?? []) : []) {
    const at = context.baseName.lastIndexOf(value);
    const rest = at >= 0 ? context.baseName.slice(at) : value;
    products.push({ name: rest.includes('-') ? value : rest });
  }
  const product = meta.Product;
  if (products.length === 0 && product?.ProductName) products.push({ name: product.ProductName });
  for (const c of product?.Components ?? []) if (c.Name) products.push({ name: c.Name, type: c.Carrier ? 'Carrier' : 'Component' });
  return products;
}

function deereMachines(meta: DeereMetadata): Machine[] {
  return Object.values(meta.MachineUsage ?? {})
    .filter((m) => m.MachineSerial || m.MachineId)
    .map((m) => ({ name: m.MachineSerial ?? m.MachineId!, type: 'machine' as const, serialNumber: m.MachineSerial, brand: 'John Deere' }));
}

/** `IsoTime` is UTC with milliseconds; `Time` is local time without a zone, the fallback (formats.md §2.3). */
function deereTime(context: LayerContext, warnings: string[]): TimeSource {
  const iso = findField(context.fields, 'IsoTime');
  if (iso) return { kind: 'iso', field: iso };
  const local = findField(context.fields, 'Time');
  if (local) {
    warnings.push(`${context.baseName}: no IsoTime column; the local Time column (no time zone) was read as UTC`);
    return { kind: 'usLocal', field: local };
  }
  return { kind: 'none' };
}
