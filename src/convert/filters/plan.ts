import type { OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { converter } from '../../model/units.ts';
import { FILTER_ORDER, type FilterName, type ResolvedOptions } from './options.ts';
import { halfWidth } from './velocity.ts';

/** Properties a flow delay moves along time: what the flow sensor measures, per area or per second. */
export const FLOW_SHIFTED: readonly StandardProperty[] = ['wetMassPerArea', 'dryMassPerArea', 'wetVolumePerArea', 'dryVolumePerArea', 'cropFlow'];

/** Totals recomputed after a flow shift from the moved per-area value and the point's own area. */
export const FLOW_TOTALS: readonly (readonly [total: StandardProperty, perArea: StandardProperty])[] = [
  ['wetMass', 'wetMassPerArea'],
  ['dryMass', 'dryMassPerArea'],
  ['wetVolume', 'wetVolumePerArea'],
  ['dryVolume', 'dryVolumePerArea'],
];

/** Yield Editor works on dry yield; the first of these the operation has is "the yield". */
const YIELD_PREFERENCE: readonly StandardProperty[] = ['dryMassPerArea', 'wetMassPerArea', 'dryVolumePerArea', 'wetVolumePerArea'];
/** Leaf's outlier rule is stated on harvest volume; mass stands in when no crop density gives volumes. */
const OUTLIER_PREFERENCE: readonly StandardProperty[] = ['wetVolumePerArea', 'wetMassPerArea'];

const HARVEST_ONLY: ReadonlySet<FilterName> = new Set(FILTER_ORDER.filter((n) => n !== 'cleanup' && n !== 'speed'));

/** A property read in SI: its name, where it sits in a point's values, and how to bring it to the base unit. */
export interface SiProperty {
  property: StandardProperty;
  index: number;
  baseUnit: string;
  toBase: (v: number) => number;
}

/** Which filters run on this operation, which are skipped and why, and how to read the values they test. */
export interface FilterPlan {
  options: ResolvedOptions;
  /** Numeric properties of a point, in output order; a point's values are indexed alike. */
  keys: StandardProperty[];
  index: ReadonlyMap<StandardProperty, number>;
  active: ReadonlySet<FilterName>;
  skipped: Partial<Record<FilterName, string>>;
  speed?: SiProperty;
  width?: SiProperty;
  area?: SiProperty;
  section?: number;
  yieldValue?: SiProperty;
  outlierValue?: SiProperty;
  flowShifted: number[];
  flowTotals: { total: number; perArea: SiProperty; fromBase: (v: number) => number }[];
  moisture?: number;
  /** The velocity-change test: whether the speed was logged (undefined: not said, taken as logged) and the median's records on each side. */
  velocity: { speedLogged: boolean | undefined; halfWidth: number };
}

function baseUnitOf(property: StandardProperty): string {
  if (property.endsWith('MassPerArea')) return 'kg/ha';
  if (property.endsWith('VolumePerArea')) return 'm3/ha';
  if (property.endsWith('Mass')) return 'kg';
  if (property.endsWith('Volume')) return 'm3';
  if (property === 'speed') return 'm/s';
  if (property === 'area') return 'm2';
  return 'm';
}

/**
 * `speedLogged`: whether the source logged the speed (false: Furrow derived it from positions).
 * Undefined is taken as logged, so that a caller that does not say gets Yield Editor's own rule.
 */
export function planFilters(operationType: OperationType, units: ReadonlyMap<StandardProperty, string>, options: ResolvedOptions, speedLogged?: boolean): FilterPlan {
  const keys = [...units.keys()];
  const index = new Map(keys.map((k, i) => [k, i] as const));
  const si = (property: StandardProperty): SiProperty | undefined => {
    const i = index.get(property);
    if (i === undefined) return undefined;
    const baseUnit = baseUnitOf(property);
    return { property, index: i, baseUnit, toBase: converter(units.get(property)!, baseUnit) };
  };
  const first = (list: readonly StandardProperty[]) => list.map(si).find((p) => p !== undefined);

  const plan: FilterPlan = {
    options,
    keys,
    index,
    active: new Set(),
    skipped: {},
    speed: si('speed'),
    width: si('equipmentWidth'),
    area: si('area'),
    section: index.get('sectionId'),
    yieldValue: first(YIELD_PREFERENCE),
    outlierValue: first(OUTLIER_PREFERENCE),
    flowShifted: FLOW_SHIFTED.map((p) => index.get(p)).filter((i): i is number => i !== undefined),
    flowTotals: [],
    moisture: index.get('harvestMoisture'),
    velocity: {
      speedLogged,
      halfWidth: halfWidth(speedLogged === false ? options.velocityChange.derivedMedianPoints : options.velocityChange.medianPoints),
    },
  };
  if (plan.area) {
    for (const [total, perArea] of FLOW_TOTALS) {
      const t = index.get(total);
      const p = si(perArea);
      if (t !== undefined && p) plan.flowTotals.push({ total: t, perArea: p, fromBase: converter(baseUnitOf(total), units.get(total)!) });
    }
  }

  const missing = (name: FilterName): string | undefined => {
    switch (name) {
      case 'speed':
      case 'minVelocity':
      case 'maxVelocity':
      case 'velocityChange':
        return plan.speed ? undefined : 'no speed';
      case 'flowDelay':
        return plan.flowShifted.length > 0 ? undefined : 'no yield or crop flow values';
      case 'moistureDelay':
        return plan.moisture !== undefined ? undefined : 'no harvestMoisture values';
      case 'minSwath':
        return plan.width ? undefined : 'no equipmentWidth values';
      case 'minYield':
      case 'maxYield':
      case 'stdDev':
        return plan.yieldValue ? undefined : 'no yield per area values';
      case 'outliers':
        return plan.outlierValue ? undefined : 'no wet volume or wet mass per area values';
      default:
        return undefined;
    }
  };
  const active = plan.active as Set<FilterName>;
  for (const name of FILTER_ORDER) {
    if (!options[name].enabled) continue;
    const reason = HARVEST_ONLY.has(name) && operationType !== 'harvested' ? 'applies to harvest operations only' : missing(name);
    if (reason) plan.skipped[name] = reason;
    else active.add(name);
  }
  return plan;
}
