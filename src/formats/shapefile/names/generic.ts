import type { OperationType } from '../../../model/operations.ts';
import type { StandardProperty } from '../../../model/properties.ts';
import { DatasetError } from '../../types.ts';
import { completeMappings, findField, standardMapping, type Exporter, type FieldMapping, type LayerContext, type LayerPlan, type TimeSource } from '../plan.ts';
import { cropFromToken } from './crop.ts';

export type UnitSystem = 'imperial' | 'metric';

/** Leaf's recognised shapefile column names (leaf-api.md §8 "Shapefile rules"). */
const CROP_NAMES = ['Crop', 'Crop_Type', 'Product_Pr'];
const MOISTURE_NAMES = ['Moisture', 'Moisture__', 'MOISTURE'];
const YIELD_VOLUME_NAMES = ['Yld_Vol_We'];
const YIELD_MASS_NAMES = ['Yield_Mass', 'WetMass'];
const SEED_RATE_NAMES = ['seedRate', 'SeedCount', 'Rt_Apd_Ct_'];
const APPLIED_RATE_NAMES = ['AppliedRat', 'Rt_Apd_Liq', 'actualRate'];
const PRODUCT_NAMES = ['Product', 'product', 'Products'];

/** Units assumed for the recognised columns, as Leaf assumes its provider's default units. */
const UNITS: Readonly<Record<UnitSystem, Readonly<Partial<Record<StandardProperty, string>>>>> = {
  imperial: { wetVolumePerArea: 'bu/ac', wetMassPerArea: 'lb/ac', seedRate: 'seeds/ac', appliedRate: 'gal/ac', harvestMoisture: 'percentage', speed: 'mi/hr', equipmentWidth: 'ft', elevation: 'ft' },
  metric: { wetVolumePerArea: 'm3/ha', wetMassPerArea: 'kg/ha', seedRate: 'seeds/ha', appliedRate: 'L/ha', harvestMoisture: 'percentage', speed: 'km/h', equipmentWidth: 'm', elevation: 'm' },
};

export interface GenericOptions {
  exporter: Exporter;
  system: UnitSystem;
  /** Extra documented names of this exporter (Trimble AgGPS `Speed`, `Swath_wdth`). */
  extra?: Readonly<Partial<Record<StandardProperty, readonly string[]>>>;
  grower?: string;
  farm?: string;
  field?: string;
  description?: string;
  /** Why these units: said in the warnings. */
  unitReason: string;
}

/**
 * A layer from an exporter Furrow has no name map for: the columns Leaf itself recognises become
 * standard properties in assumed units; all other columns stay in the raw output only.
 */
export function genericPlan(context: LayerContext, options: GenericOptions): LayerPlan {
  const fields = context.fields;
  const warnings: string[] = [];
  const yieldVolume = findField(fields, ...YIELD_VOLUME_NAMES);
  const yieldMass = findField(fields, ...YIELD_MASS_NAMES);
  const seedRate = findField(fields, ...SEED_RATE_NAMES);
  const appliedRate = findField(fields, ...APPLIED_RATE_NAMES);
  let operationType: OperationType;
  if (yieldVolume || yieldMass) operationType = 'harvested';
  else if (seedRate) operationType = 'planted';
  else if (appliedRate) operationType = 'applied';
  else {
    throw new DatasetError(
      `${context.baseName}: the operation type is unknown: no yield (${[...YIELD_VOLUME_NAMES, ...YIELD_MASS_NAMES].join(', ')}), seed rate (${SEED_RATE_NAMES.join(', ')}) or applied rate (${APPLIED_RATE_NAMES.join(', ')}) column was found among ${fields.map((f) => f.name).join(', ')}`,
    );
  }
  const units = UNITS[options.system];
  const known: FieldMapping[] = [];
  const map = (field: typeof yieldVolume, standard: StandardProperty) => {
    if (!field || field.type === 'C' || known.some((m) => m.field === field)) return;
    known.push(standardMapping(field, standard, units[standard]));
  };
  map(yieldVolume, 'wetVolumePerArea');
  map(yieldMass, 'wetMassPerArea');
  if (operationType === 'harvested') map(findField(fields, ...MOISTURE_NAMES), 'harvestMoisture');
  if (operationType === 'planted') map(seedRate, 'seedRate');
  if (operationType === 'applied') map(appliedRate, 'appliedRate');
  for (const [standard, names] of Object.entries(options.extra ?? {})) map(findField(fields, ...(names ?? [])), standard as StandardProperty);
  const assumed = known.filter((m) => m.column.unit).map((m) => `${m.field.name} ${m.column.unit}`);
  warnings.push(`${options.unitReason}: ${assumed.join(', ')}; other columns are kept in the raw output only`);

  const cropField = findField(fields, ...CROP_NAMES);
  const cropValues = cropField ? (context.distinct.get(cropField.name) ?? []) : [];
  const productField = findField(fields, ...PRODUCT_NAMES);
  const productValues = productField ? (context.distinct.get(productField.name) ?? []) : [];
  const crop = operationType === 'applied' ? undefined : cropValues.map(cropFromToken).find(Boolean);
  if (operationType !== 'applied' && !crop && cropValues.length > 0) warnings.push(`crop ${cropValues.join(', ')} is not in the crop table`);

  return {
    exporter: options.exporter,
    operationType,
    originalOperationType: operationType,
    crop,
    varieties: [],
    products: operationType === 'applied' ? productValues.map((name) => ({ name })) : [],
    grower: options.grower,
    farm: options.farm,
    field: options.field,
    description: options.description ?? context.baseName,
    machinery: [],
    mappings: completeMappings(fields, known),
    time: genericTime(context, warnings),
    warnings,
  };
}

/** The first time source found: UTC date + time fields, ISO text, US local text, then a date only. */
export function genericTime(context: LayerContext, warnings: string[]): TimeSource {
  const fields = context.fields;
  const utcDate = findField(fields, 'UTC_Date', 'GPS_Date');
  const utcTime = findField(fields, 'UTC_Time', 'GPS_Time');
  if (utcDate && utcTime) return { kind: 'dateTime', date: utcDate, time: utcTime };
  for (const field of fields) {
    if (field.type !== 'C') continue;
    const sample = context.samples.get(field.name);
    if (sample && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(sample)) return { kind: 'iso', field };
  }
  for (const field of fields) {
    if (field.type !== 'C') continue;
    const sample = context.samples.get(field.name);
    if (sample && /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2}( [AP]M)?$/i.test(sample)) {
      warnings.push(`${field.name} holds local times without a zone; they were read as UTC`);
      return { kind: 'usLocal', field };
    }
  }
  const date = fields.find((f) => f.type === 'D');
  if (date) {
    warnings.push(`the only time column is the date ${date.name}: every point is timed at 00:00 UTC of its day`);
    return { kind: 'date', field: date };
  }
  return { kind: 'none' };
}
