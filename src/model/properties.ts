import type { OperationType } from './operations.ts';
import { OPERATION_TYPES } from './operations.ts';
import type { Dimension } from './units.ts';
import { unit } from './units.ts';

/** Leaf's `unitMeasurement` configuration (leaf-api.md §4.2, §5): source units, or one system for every output. */
export type UnitSystem = 'default' | 'imperial' | 'metric';

export type PropertyKind = 'number' | 'string' | 'string[]' | 'timestamp' | 'object[]';

/** The unit code a unit system uses for each source dimension a property accepts. */
export type UnitsByDimension = Readonly<Partial<Record<Dimension, string>>>;

/** [imperial, metric] per accepted dimension, the usual dimension first. */
type SystemUnits = Readonly<Partial<Record<Dimension, readonly [imperial: string, metric: string]>>>;

interface Spec {
  kind: PropertyKind;
  appliesTo: 'all' | readonly OperationType[];
  requiredFor?: readonly OperationType[];
  units?: SystemUnits;
  /** Unit of the `default` system whatever the source, where Leaf fixes one. */
  defaultUnit?: string;
}

const ALL = OPERATION_TYPES;

// Units per leaf-api.md §5's unit-system table; §4.2's "example units" where §5 is silent.
const LENGTH = { length: ['ft', 'm'] } as const;
const DEPTH = { length: ['in', 'cm'] } as const;
const PERCENT = { ratio: ['percentage', 'percentage'] } as const;
const FORCE = { force: ['lbf', 'kgf'] } as const;
// Seeding is logged as a count (corn, soybeans) or as a mass (small grains: lb/ac, kg/ha, §5 DEFAULT column).
const SEED_RATE = { countPerArea: ['seeds/ac', 'seeds/ha'], massPerArea: ['lb/ac', 'kg/ha'] } as const;
// §5 lists m³/ha, L/ha and kg/ha for METRIC appliedRate: L/ha is what sprayer rates are read in.
const APPLIED_RATE = { volumePerArea: ['gal/ac', 'L/ha'], massPerArea: ['lb/ac', 'kg/ha'] } as const;
const MASS = { mass: ['lb', 't'] } as const;
const MASS_PER_AREA = { massPerArea: ['lb/ac', 't/ha'] } as const;
const VOLUME = { volume: ['bu', 'm3'] } as const;
const VOLUME_PER_AREA = { volumePerArea: ['bu/ac', 'm3/ha'] } as const;

/**
 * The standard per-point properties, in leaf-api.md §4.2's order; `requiredFor` follows its `*`
 * marks. One entry per name: `crop` and `variety` serve several operation types.
 */
const CATALOGUE = {
  timestamp: { kind: 'timestamp', appliesTo: 'all', requiredFor: ALL },
  // Leaf's units samples give per-point area in m² even when every other unit is imperial: so does the
  // default system; the imperial one converts it as it converts everything else.
  area: { kind: 'number', appliesTo: 'all', requiredFor: ALL, units: { area: ['ft2', 'm2'] }, defaultUnit: 'm2' },
  distance: { kind: 'number', appliesTo: 'all', requiredFor: ALL, units: LENGTH },
  heading: { kind: 'number', appliesTo: 'all', requiredFor: ALL, units: { angle: ['arcdeg', 'arcdeg'] } },
  elevation: { kind: 'number', appliesTo: 'all', requiredFor: ALL, units: LENGTH },
  operationType: { kind: 'string', appliesTo: 'all', requiredFor: ALL },
  originalOperationType: { kind: 'string', appliesTo: 'all' },
  equipmentWidth: { kind: 'number', appliesTo: 'all', units: LENGTH },
  // Furrow extension: the width actually working at the point — the sum of the sections that are on,
  // 0 while the implement is off — where Leaf's equipmentWidth is the implement's whole width.
  workingWidth: { kind: 'number', appliesTo: 'all', units: LENGTH },
  // §4.2's table says Boolean, but its sample and the cleanup rule (EQ "On") use a string.
  recordingStatus: { kind: 'string', appliesTo: 'all' },
  // IMPERIAL speed is ft/s as §5's table documents. Leaf's units samples show mi/hr, but those are
  // DEFAULT outputs passing a US source's unit through, which `default` here does as well.
  speed: { kind: 'number', appliesTo: 'all', units: { speed: ['ft/s', 'm/s'] } },
  machinery: { kind: 'string[]', appliesTo: 'all' },
  sectionId: { kind: 'number', appliesTo: 'all' },
  xOffset: { kind: 'number', appliesTo: 'all', units: LENGTH },
  yOffset: { kind: 'number', appliesTo: 'all', units: LENGTH },
  implementOffset: { kind: 'number', appliesTo: 'all', units: LENGTH },
  fuelUsed: { kind: 'number', appliesTo: 'all', units: { volume: ['gal', 'L'] } },

  crop: { kind: 'string', appliesTo: ['planted', 'applied', 'harvested'], requiredFor: ['planted', 'harvested'] },
  seedRate: { kind: 'number', appliesTo: ['planted'], requiredFor: ['planted'], units: SEED_RATE },
  variety: { kind: 'string', appliesTo: ['planted', 'harvested'] },
  seedRateTarget: { kind: 'number', appliesTo: ['planted'], units: SEED_RATE },
  seedDepth: { kind: 'number', appliesTo: ['planted'], units: DEPTH },
  productIndex: { kind: 'number', appliesTo: ['planted'] },
  downForce: { kind: 'number', appliesTo: ['planted'], units: FORCE },
  downForceMargin: { kind: 'number', appliesTo: ['planted'], units: FORCE },
  singulation: { kind: 'number', appliesTo: ['planted'], units: PERCENT },
  skips: { kind: 'number', appliesTo: ['planted'], units: PERCENT },
  doubles: { kind: 'number', appliesTo: ['planted'], units: PERCENT },
  groundContact: { kind: 'number', appliesTo: ['planted'], units: PERCENT },
  spacingVariation: { kind: 'number', appliesTo: ['planted'], units: PERCENT },
  seedSpacing: { kind: 'number', appliesTo: ['planted'], units: LENGTH },
  rideQuality: { kind: 'number', appliesTo: ['planted'], units: PERCENT },

  appliedRate: { kind: 'number', appliesTo: ['applied'], requiredFor: ['applied'], units: APPLIED_RATE },
  appliedRateTarget: { kind: 'number', appliesTo: ['applied'], units: APPLIED_RATE },
  products: { kind: 'object[]', appliesTo: ['applied'], requiredFor: ['applied'] },

  harvestMoisture: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: PERCENT },
  wetMass: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: MASS },
  wetMassPerArea: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: MASS_PER_AREA },
  wetVolume: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: VOLUME },
  wetVolumePerArea: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: VOLUME_PER_AREA },
  dryMass: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: MASS },
  dryMassPerArea: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: MASS_PER_AREA },
  dryVolume: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: VOLUME },
  dryVolumePerArea: { kind: 'number', appliesTo: ['harvested'], requiredFor: ['harvested'], units: VOLUME_PER_AREA },
  // Volume flow keeps the per-second base of Leaf's lb/s so that mass and volume flows compare.
  cropFlow: { kind: 'number', appliesTo: ['harvested'], units: { massPerTime: ['lb/s', 'kg/s'], volumePerTime: ['bu/s', 'L/s'] } },
  proteinPercentage: { kind: 'number', appliesTo: ['harvested'], units: PERCENT },
  samplingInterval: { kind: 'number', appliesTo: ['harvested'], units: { time: ['s', 's'] } },

  tillageDepthTarget: { kind: 'number', appliesTo: ['tillage'], units: DEPTH },
  tillageDepthActual: { kind: 'number', appliesTo: ['tillage'], units: DEPTH },
  tillType: { kind: 'string[]', appliesTo: ['tillage'] },
} as const satisfies Record<string, Spec>;

export type StandardProperty = keyof typeof CATALOGUE;

interface UnitChoice {
  /** The usual dimension; absent for values without a unit. */
  dimension?: Dimension;
  imperial?: UnitsByDimension;
  metric?: UnitsByDimension;
  /** Unit of the `default` system whatever the source, where Leaf fixes one. */
  defaultUnit?: string;
}

export interface PropertyDef extends UnitChoice {
  name: StandardProperty;
  kind: PropertyKind;
  appliesTo: 'all' | readonly OperationType[];
  requiredFor: readonly OperationType[];
}

function unitChoice(units: SystemUnits | undefined, defaultUnit: string | undefined): UnitChoice {
  if (!units) return {};
  const dimensions = Object.keys(units) as Dimension[];
  const column = (i: 0 | 1): UnitsByDimension => Object.fromEntries(dimensions.map((d) => [d, units[d]![i]]));
  return { dimension: dimensions[0], imperial: column(0), metric: column(1), ...(defaultUnit ? { defaultUnit } : {}) };
}

/** Every standard property, in catalogue order. */
export const PROPERTIES: ReadonlyMap<StandardProperty, PropertyDef> = new Map(
  (Object.entries(CATALOGUE) as [StandardProperty, Spec][]).map(([name, spec]) => [
    name,
    Object.freeze({
      name,
      kind: spec.kind,
      appliesTo: spec.appliesTo,
      requiredFor: spec.requiredFor ?? [],
      ...unitChoice(spec.units, spec.defaultUnit),
    }),
  ]),
);

export function isStandardProperty(x: string): x is StandardProperty {
  return PROPERTIES.has(x as StandardProperty);
}

export function property(name: StandardProperty): PropertyDef {
  return PROPERTIES.get(name)!;
}

/** The properties whose absence fails a file of this type (`missing required properties: ...`, §4.2). */
export function requiredProperties(type: OperationType): StandardProperty[] {
  return [...PROPERTIES.values()].filter((p) => p.requiredFor.includes(type)).map((p) => p.name);
}

function chooseUnit(name: string, choice: UnitChoice, system: UnitSystem, sourceUnit: string | undefined): string {
  const source = sourceUnit === undefined ? undefined : unit(sourceUnit);
  const dimension = source?.dimension ?? choice.dimension;
  if (!choice.imperial || !choice.metric || !dimension) {
    if (sourceUnit !== undefined) return sourceUnit; // a plain number (sectionId) keeps what the source says
    throw new Error(`${name} has no unit`);
  }
  const imperial = choice.imperial[dimension];
  const metric = choice.metric[dimension];
  if (imperial === undefined || metric === undefined) {
    throw new Error(`${name} cannot be given in ${sourceUnit} (${dimension}); it takes ${Object.keys(choice.metric).join(' or ')}`);
  }
  switch (system) {
    case 'imperial':
      return imperial;
    case 'metric':
      return metric;
    case 'default':
      return choice.defaultUnit ?? (source?.readable ? source.code : metric);
  }
}

/**
 * The unit a property is written in. `default` keeps the source's unit when a farmer reads it
 * (Leaf "pushes through every unit") and otherwise gives the property's metric unit for the
 * source's dimension, so ISOXML's mg/m² becomes kg/ha and its mm becomes m (or cm for depths).
 * Throws when the source unit's dimension is not one the property accepts.
 */
export function targetUnit(name: StandardProperty, system: UnitSystem, sourceUnit: string): string {
  return chooseUnit(name, property(name), system, sourceUnit);
}

/** Totals of the summary Feature (leaf-api.md §3) and their units per system (§5). */
const SUMMARY_TOTALS = {
  // §5: totalArea is m² in DEFAULT whatever the source.
  totalArea: { area: ['ac', 'ha'], defaultUnit: 'm2' },
  totalDistance: { length: ['ft', 'm'] },
  totalWetMass: { mass: ['lb', 't'] },
  totalDryMass: { mass: ['lb', 't'] },
  totalWetVolume: { volume: ['bu', 'm3'] },
  totalDryVolume: { volume: ['bu', 'm3'] },
  // §5 lists gal, lb / m³, L; kg completes METRIC for products applied by mass (kg/ha × ha).
  totalApplied: { volume: ['gal', 'L'], mass: ['lb', 'kg'] },
  totalPlanted: { count: ['seeds', 'seeds'], mass: ['lb', 'kg'] },
  totalFuelUsed: { volume: ['gal', 'L'] },
} as const satisfies Record<string, SystemUnits & { defaultUnit?: string }>;

export type SummaryTotal = keyof typeof SUMMARY_TOTALS;

export const SUMMARY_TOTAL_UNITS: ReadonlyMap<SummaryTotal, UnitChoice> = new Map(
  (Object.entries(SUMMARY_TOTALS) as [SummaryTotal, SystemUnits & { defaultUnit?: string }][]).map(([key, { defaultUnit, ...units }]) => [
    key,
    Object.freeze(unitChoice(units, defaultUnit)),
  ]),
);

/** The unit of a summary total; without a source unit, that of the total's usual dimension. */
export function summaryUnit(key: SummaryTotal, system: UnitSystem, sourceUnit?: string): string {
  return chooseUnit(key, SUMMARY_TOTAL_UNITS.get(key)!, system, sourceUnit);
}
