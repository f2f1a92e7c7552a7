import type { OperationType } from '../../model/operations.ts';
import { targetUnit, type StandardProperty } from '../../model/properties.ts';
import { isUnit } from '../../model/units.ts';

/**
 * JD unit codes (ADAPT `UnitSystem.xml` grammar: symbol + exponent, e.g. `seeds1ha-1`) → Furrow
 * unit codes. Only codes seen in the sample cards or in formats.md §6.1; a code missing here
 * (or with no Furrow unit: `row`) keeps no unit and the label says the JD code.
 */
const JD_UNITS: Readonly<Record<string, string>> = {
  arcdeg: 'arcdeg',
  m: 'm',
  cm: 'cm',
  mm: 'mm',
  km: 'km',
  ft: 'ft',
  in: 'in',
  mi: 'mi',
  ac: 'ac',
  ha: 'ha',
  prcnt: 'prcnt',
  sec: 's',
  s: 's',
  hr: 'h',
  kg: 'kg',
  lb: 'lb',
  t: 't',
  bu: 'bu',
  gal: 'gal',
  l: 'L',
  ml: 'ml',
  N: 'N',
  C: 'degC',
  F: 'degF',
  'km1hr-1': 'km/h',
  'mi1hr-1': 'mi/hr',
  'm1sec-1': 'm/s',
  'l1hr-1': 'L/h',
  'kg1sec-1': 'kg/s',
  'lb1sec-1': 'lb/s',
  'kg1ha-1': 'kg/ha',
  't1ha-1': 't/ha',
  'lb1ac-1': 'lb/ac',
  'bu1ac-1': 'bu/ac',
  'gal1ac-1': 'gal/ac',
  'l1ha-1': 'L/ha',
  'ml1ha-1': 'ml/ha',
  'floz1ac-1': 'floz/ac',
  'seeds1ha-1': 'seeds/ha',
  'seeds1ac-1': 'seeds/ac',
  'seeds1[m2]-1': 'seeds/m2',
};

/** The Furrow unit code for a JD unit code, when Furrow has that unit. */
export function furrowUnit(jdUnit: string | undefined): string | undefined {
  if (jdUnit === undefined) return undefined;
  const code = JD_UNITS[jdUnit];
  return code !== undefined && isUnit(code) ? code : undefined;
}

/** The standard property a JD representation feeds, and the operation types it belongs to ('all' for machine channels). */
const STANDARD_BY_REPRESENTATION: Readonly<Record<string, { property: StandardProperty; types: 'all' | readonly OperationType[] }>> = {
  vrElevation: { property: 'elevation', types: 'all' },
  vrHeading: { property: 'heading', types: 'all' },
  vrDistanceTraveled: { property: 'distance', types: 'all' },
  vrVehicleSpeed: { property: 'speed', types: 'all' },
  vrYieldWetMass: { property: 'wetMass', types: ['harvested'] },
  vrHarvestMoisture: { property: 'harvestMoisture', types: ['harvested'] },
  vrSeedRateSeedsMeasured: { property: 'seedRate', types: ['planted'] },
  vrSeedRateSeedsTarget: { property: 'seedRateTarget', types: ['planted'] },
  vrAppRateVolumeMeasured: { property: 'appliedRate', types: ['applied'] },
  vrAppRateVolumeTarget: { property: 'appliedRateTarget', types: ['applied'] },
  vrAppRateMassMeasured: { property: 'appliedRate', types: ['applied'] },
  vrAppRateMassTarget: { property: 'appliedRateTarget', types: ['applied'] },
  vrTillageDepthTarget: { property: 'tillageDepthTarget', types: ['tillage'] },
  vrTillageDepthMeasured: { property: 'tillageDepthActual', types: ['tillage'] },
  vrDownForceMargin: { property: 'downForceMargin', types: ['planted'] },
};

/**
 * The standard property of a column, only when the column's unit is one the property accepts (the
 * engine refuses a mass column for a volume property) and the property fits the operation type.
 */
export function standardFor(representation: string, unit: string | undefined, type: OperationType): StandardProperty | undefined {
  const entry = STANDARD_BY_REPRESENTATION[representation];
  if (!entry || unit === undefined) return undefined;
  if (entry.types !== 'all' && !entry.types.includes(type)) return undefined;
  try {
    targetUnit(entry.property, 'metric', unit);
    return entry.property;
  } catch {
    return undefined;
  }
}
