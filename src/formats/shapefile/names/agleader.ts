import type { OperationType } from '../../../model/operations.ts';
import type { StandardProperty } from '../../../model/properties.ts';
import { DatasetError } from '../../types.ts';
import type { DbfField } from '../dbf-reader.ts';
import { completeMappings, findField, rawMapping, standardMapping, type FieldMapping, type LayerContext, type LayerPlan, type TimeSource } from '../plan.ts';
import { cropFromToken } from './crop.ts';

type System = 'imperial' | 'metric';

/**
 * SMS names are its display names cut to 10 characters, so most lose their unit (`Yld_Mass_W` is
 * lb/ac or kg/ha). The names below keep it and tell the unit system of the whole export.
 */
const IMPERIAL_MARKERS = ['Distance_f', 'Speed_mph_', 'Prod_ac_hr', 'Prod_ac_h_', 'Y_Offset_f'];
const METRIC_MARKERS = ['Distance_m', 'Speed_km_h', 'Prod_ha_h_', 'Prod_ha_hr', 'Y_Offset_m'];
/** Names only SMS writes: two of them (besides the markers) identify an SMS export. */
const SMS_NAMES = ['Obj__Id', 'Track_deg_', 'Duration_s', 'Elevation_', 'Swth_Wdth_', 'Area_Count', 'Diff_Statu', 'Crop_Flw_M', 'Crop_Flw_V', 'Moisture__', 'Yld_Mass_W', 'Yld_Mass_D', 'Yld_Vol_We', 'Yld_Vol_Dr', 'Work_State', 'Pass_Num', 'Rt_Apd_Ct_', 'Rt_Apd_Liq', 'Rt_Apd_Ms_', ...IMPERIAL_MARKERS, ...METRIC_MARKERS];

interface Column {
  standard?: StandardProperty;
  /** Unit per system; undefined when SMS's unit for that system is not known. */
  units: Record<System, string | undefined>;
  /** Value kind when not the dBase type's. */
  kind?: 'onOff';
}

const SAME = (unit: string): Record<System, string> => ({ imperial: unit, metric: unit });
const LENGTH = { imperial: 'ft', metric: 'm' };

const COLUMNS: Readonly<Record<string, Column>> = {
  Distance_f: { standard: 'distance', units: SAME('ft') },
  Distance_m: { standard: 'distance', units: SAME('m') },
  Track_deg_: { standard: 'heading', units: SAME('arcdeg') },
  Duration_s: { units: SAME('s') },
  Elevation_: { standard: 'elevation', units: LENGTH },
  Swth_Wdth_: { standard: 'equipmentWidth', units: LENGTH },
  Y_Offset_f: { standard: 'yOffset', units: SAME('ft') },
  Y_Offset_m: { standard: 'yOffset', units: SAME('m') },
  Speed_mph_: { standard: 'speed', units: SAME('mi/hr') },
  Speed_km_h: { standard: 'speed', units: SAME('km/h') },
  Area_Count: { standard: 'recordingStatus', units: { imperial: undefined, metric: undefined }, kind: 'onOff' },
  // "In" while the header (implement) is in work; Area_Count, SMS's own "counting area" flag, wins when both are there.
  Work_State: { standard: 'recordingStatus', units: { imperial: undefined, metric: undefined }, kind: 'onOff' },
  Moisture__: { standard: 'harvestMoisture', units: SAME('percentage') },
  Crop_Flw_M: { standard: 'cropFlow', units: { imperial: 'lb/s', metric: 'kg/s' } },
  // SMS's metric yield units are not documented in any source we have: mass is assumed kg/ha
  // (formats.md §6.2) and metric volumes are left without a unit.
  Yld_Mass_W: { standard: 'wetMassPerArea', units: { imperial: 'lb/ac', metric: 'kg/ha' } },
  Yld_Mass_D: { standard: 'dryMassPerArea', units: { imperial: 'lb/ac', metric: 'kg/ha' } },
  Yld_Vol_We: { standard: 'wetVolumePerArea', units: { imperial: 'bu/ac', metric: undefined } },
  // Dry volume has no standard input: the engine derives it from wet values, moisture and the crop.
  Yld_Vol_Dr: { units: { imperial: 'bu/ac', metric: undefined } },
  Rt_Apd_Ct_: { standard: 'seedRate', units: { imperial: 'seeds/ac', metric: 'seeds/ha' } },
  Rt_Apd_Liq: { standard: 'appliedRate', units: { imperial: 'gal/ac', metric: 'L/ha' } },
};

export function isAgLeaderLayer(context: LayerContext): boolean {
  const names = new Set(context.fields.map((f) => f.name));
  return SMS_NAMES.filter((n) => names.has(n)).length >= 3;
}

export function agLeaderPlan(context: LayerContext): LayerPlan {
  const names = new Set(context.fields.map((f) => f.name));
  const imperial = IMPERIAL_MARKERS.filter((n) => names.has(n));
  const metric = METRIC_MARKERS.filter((n) => names.has(n));
  const warnings: string[] = [];
  let system: System;
  if (imperial.length > 0 && metric.length === 0) {
    system = 'imperial';
    warnings.push(`Ag Leader SMS export read in US units: ${imperial.join(', ')} name their unit, so the truncated columns (Yld_Mass_W, Yld_Vol_We, Swth_Wdth_, Elevation_...) are lb/ac, bu/ac and ft`);
  } else if (metric.length > 0 && imperial.length === 0) {
    system = 'metric';
    warnings.push(`Ag Leader SMS export read in metric units: ${metric.join(', ')} name their unit, so Swth_Wdth_ and Elevation_ are m and yield mass kg/ha (assumed); volumes have no known metric unit and stay raw`);
  } else {
    system = 'imperial';
    warnings.push(
      imperial.length === 0
        ? 'Ag Leader SMS export with no column naming its unit system (Distance_f/_m, Speed_mph_/km_h): US units were assumed'
        : `Ag Leader SMS export whose columns name both unit systems (${[...imperial, ...metric].join(', ')}): US units were assumed`,
    );
  }

  const operationType = smsOperation(names, context);
  const known: FieldMapping[] = [];
  for (const [name, spec] of Object.entries(COLUMNS)) {
    const field = findField(context.fields, name);
    if (!field) continue;
    const unit = spec.units[system];
    const shadowed = name === 'Work_State' && findField(context.fields, 'Area_Count') !== undefined;
    if (spec.standard && !shadowed && (unit || spec.kind === 'onOff') && appliesTo(spec.standard, operationType)) {
      known.push(standardMapping(field, spec.standard, unit, undefined, spec.kind));
    } else {
      known.push(rawMapping(field, unit));
    }
  }
  const product = findField(context.fields, 'Product');
  const productValues = product ? (context.distinct.get(product.name) ?? []) : [];
  // In a yield export SMS's "Product" is the crop (SOYBEANS); in as-applied exports the product.
  const crop = operationType === 'applied' ? undefined : productValues.map(cropFromToken).find(Boolean);
  const fieldName = text(context, findField(context.fields, 'Field'));
  const dataset = text(context, findField(context.fields, 'Dataset'));
  const time = smsTime(context, dataset, warnings);
  return {
    exporter: 'AgLeader',
    operationType,
    originalOperationType: `SMS ${operationType === 'harvested' ? 'yield' : operationType === 'planted' ? 'as-planted' : operationType === 'applied' ? 'as-applied' : 'tillage'} export`,
    crop,
    varieties: [],
    products: operationType === 'applied' ? productValues.map((name) => ({ name })) : [],
    field: fieldName,
    description: dataset ? `SMS dataset ${dataset}` : context.baseName,
    machinery: [],
    mappings: completeMappings(context.fields, known),
    time,
    warnings,
  };
}

function appliesTo(standard: StandardProperty, type: OperationType): boolean {
  const harvest: StandardProperty[] = ['harvestMoisture', 'cropFlow', 'wetMassPerArea', 'dryMassPerArea', 'wetVolumePerArea'];
  if (harvest.includes(standard)) return type === 'harvested';
  if (standard === 'seedRate') return type === 'planted';
  if (standard === 'appliedRate') return type === 'applied';
  return true;
}

function smsOperation(names: Set<string>, context: LayerContext): OperationType {
  if (['Yld_Mass_W', 'Yld_Vol_We', 'Yld_Mass_D', 'Yld_Vol_Dr', 'Crop_Flw_M'].some((n) => names.has(n))) return 'harvested';
  if (names.has('Rt_Apd_Ct_')) return 'planted';
  if (names.has('Rt_Apd_Liq') || names.has('Rt_Apd_Ms_')) return 'applied';
  throw new DatasetError(`${context.baseName}: Ag Leader SMS export without a yield (Yld_Mass_W, Yld_Vol_We), seed rate (Rt_Apd_Ct_) or applied rate (Rt_Apd_Liq, Rt_Apd_Ms_) column: the operation type is unknown`);
}

/** The single value of a text field over the layer, or the values joined when there are several. */
function text(context: LayerContext, field: DbfField | undefined): string | undefined {
  const values = field ? (context.distinct.get(field.name) ?? []) : [];
  return values.length > 0 ? values.join(', ') : undefined;
}

/**
 * SMS keeps only the day in `Time`/`Date` (dBase D fields). The dataset name holds its start time
 * (`13/09/30-16:45:42 (serial)`), and `Duration_s` each record's logging interval: their running
 * sum rebuilds the time of day. The start is the monitor's clock, whose zone SMS does not say.
 */
function smsTime(context: LayerContext, dataset: string | undefined, warnings: string[]): TimeSource {
  const duration = findField(context.fields, 'Duration_s');
  const match = dataset ? /^(\d{2})\/(\d{2})\/(\d{2})-(\d{2}):(\d{2}):(\d{2})/.exec(dataset) : null;
  if (match && duration && !dataset!.includes(',')) {
    const [yy, mm, dd, h, m, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
    const start = Date.UTC(2000 + yy, mm - 1, dd, h, m, s);
    warnings.push(
      `SMS exports keep only the date of each point; times were rebuilt from the dataset start ${match[0]} (the monitor's local clock, written as UTC) plus the running sum of Duration_s`,
    );
    return { kind: 'startPlusDuration', start, duration };
  }
  const date = findField(context.fields, 'Date', 'Time');
  if (date && date.type === 'D') {
    warnings.push(`SMS exports keep only the date of each point: every point is timed at 00:00 UTC of its ${date.name}`);
    return { kind: 'date', field: date };
  }
  return { kind: 'none' };
}
