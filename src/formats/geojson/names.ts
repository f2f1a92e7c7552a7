import type { OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';

/** Property names are compared lower-cased with everything but letters and digits removed: `Yld_Vol_Wet` → `yldvolwet`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

interface NumericAlias {
  standard: StandardProperty;
  /** Normalized names, Leaf's own standard name first (so Furrow's and Leaf's outputs read back unchanged). */
  names: readonly string[];
  /** Unit a name itself states (`speed_mph`), which wins over any assumption. */
  units?: Readonly<Record<string, string>>;
}

/**
 * Per-point numbers a GeoJSON property can feed, by name. Beyond Leaf's standard names: the
 * shapefile columns Leaf recognises (leaf-api.md §8: `Yld_Vol_We`, `Rt_Apd_Ct_`, `AppliedRat`,
 * `Moisture`...) and common generic spellings. No public Farmobile property list exists
 * (formats.md §2.8), so Farmobile-specific names are limited to these generic variants. Order
 * matters: when a file has two names for one property, the earlier one feeds it.
 */
export const NUMERIC_ALIASES: readonly NumericAlias[] = [
  { standard: 'distance', names: ['distance', 'dist', 'distancetraveled', 'distanceft', 'distancem'], units: { distanceft: 'ft', distancem: 'm' } },
  { standard: 'heading', names: ['heading', 'track', 'trackdeg', 'course', 'bearing', 'direction'] },
  { standard: 'elevation', names: ['elevation', 'altitude', 'elev', 'alt', 'elevationft', 'elevationm'], units: { elevationft: 'ft', elevationm: 'm' } },
  { standard: 'equipmentWidth', names: ['equipmentwidth', 'width', 'swathwidth', 'swthwdth', 'swath', 'implementwidth'] },
  // Furrow's own extension (the width of the sections on, 0 with the implement off), so its outputs read back with their sections.
  { standard: 'workingWidth', names: ['workingwidth', 'activewidth', 'sectionwidthon', 'workedwidth'] },
  {
    standard: 'speed',
    names: ['speed', 'groundspeed', 'vehiclespeed', 'speedmph', 'speedkmh', 'speedkph', 'speedms'],
    units: { speedmph: 'mi/hr', speedkmh: 'km/h', speedkph: 'km/h', speedms: 'm/s' },
  },
  { standard: 'sectionId', names: ['sectionid', 'section', 'sectionnumber', 'rowid', 'rownumber'] },
  { standard: 'harvestMoisture', names: ['harvestmoisture', 'moisture', 'grainmoisture', 'moist'] },
  { standard: 'wetMassPerArea', names: ['wetmassperarea', 'yieldmass', 'yieldmasswet', 'yldmassw', 'yldmasswet', 'wetyieldmass'] },
  { standard: 'dryMassPerArea', names: ['drymassperarea', 'yieldmassdry', 'yldmassd', 'yldmassdry', 'dryyieldmass'] },
  { standard: 'wetVolumePerArea', names: ['wetvolumeperarea', 'yldvolwe', 'yldvolwet', 'yieldvolumewet', 'wetyield', 'yieldwet', 'yield'] },
  { standard: 'cropFlow', names: ['cropflow', 'massflow', 'grainflow', 'flow'] },
  { standard: 'seedRate', names: ['seedrate', 'seedcount', 'rtapdct', 'seedingrate', 'population', 'seedpopulation', 'appliedseedrate'] },
  { standard: 'seedRateTarget', names: ['seedratetarget', 'targetseedrate', 'targetpopulation', 'seedingratetarget'] },
  { standard: 'appliedRate', names: ['appliedrate', 'appliedrat', 'rtapdliq', 'actualrate', 'asappliedrate', 'applicationrate', 'rate'] },
  { standard: 'appliedRateTarget', names: ['appliedratetarget', 'targetrate', 'prescriptionrate', 'rxrate'] },
  { standard: 'seedDepth', names: ['seeddepth'] },
  { standard: 'downForce', names: ['downforce'] },
  { standard: 'singulation', names: ['singulation'] },
  { standard: 'fuelUsed', names: ['fuelused'] },
  { standard: 'tillageDepthActual', names: ['tillagedepthactual', 'tillagedepth', 'workingdepth'] },
  { standard: 'tillageDepthTarget', names: ['tillagedepthtarget', 'targetdepth'] },
  { standard: 'proteinPercentage', names: ['proteinpercentage', 'protein'] },
  { standard: 'recordingStatus', names: ['recordingstatus', 'workstate', 'recording'] },
];

/**
 * Units assumed for a property when neither its name nor a `units.json` beside the file says
 * otherwise. Leaf reads Farmobile GeoJSON with "Farmobile default units assumed" (leaf-api.md §8)
 * and documents no list; Farmobile is a US service, so these are the US customary units of Leaf's
 * own DEFAULT-system examples (leaf-api.md §5: ft, mi/hr, lb/ac, bu/ac, seeds/ac, gal/ac, lbf, in).
 */
export const ASSUMED_UNITS: Readonly<Partial<Record<StandardProperty, string>>> = {
  distance: 'ft',
  heading: 'arcdeg',
  elevation: 'ft',
  equipmentWidth: 'ft',
  workingWidth: 'ft',
  speed: 'mi/hr',
  harvestMoisture: 'percentage',
  wetMassPerArea: 'lb/ac',
  dryMassPerArea: 'lb/ac',
  wetVolumePerArea: 'bu/ac',
  cropFlow: 'lb/s',
  seedRate: 'seeds/ac',
  seedRateTarget: 'seeds/ac',
  appliedRate: 'gal/ac',
  appliedRateTarget: 'gal/ac',
  seedDepth: 'in',
  downForce: 'lbf',
  singulation: 'percentage',
  fuelUsed: 'gal',
  tillageDepthActual: 'in',
  tillageDepthTarget: 'in',
  proteinPercentage: 'percentage',
};

/** Time properties, most specific first: ISO 8601 text or epoch seconds / milliseconds. */
export const TIME_NAMES: readonly string[] = ['timestamp', 'time', 'datetime', 'isotime', 'utctime', 'timeutc', 'gpstime', 'recordedat', 'loggedat'];

/** Text properties that describe the whole operation rather than one point. */
export const TEXT_ALIASES = {
  operationType: ['operationtype', 'operation', 'optype'],
  originalOperationType: ['originaloperationtype'],
  crop: ['crop', 'cropname', 'croptype'],
  variety: ['variety', 'varietyname', 'hybrid'],
  product: ['products', 'product', 'productname'],
} as const satisfies Record<string, readonly string[]>;

export type TextRole = keyof typeof TEXT_ALIASES;

/** Leaf's operation types and the words exports use for them. */
const OPERATION_WORDS: ReadonlyMap<string, OperationType> = new Map([
  ['planted', 'planted'],
  ['planting', 'planted'],
  ['seeding', 'planted'],
  ['seeded', 'planted'],
  ['applied', 'applied'],
  ['application', 'applied'],
  ['asapplied', 'applied'],
  ['spraying', 'applied'],
  ['harvested', 'harvested'],
  ['harvest', 'harvested'],
  ['yield', 'harvested'],
  ['tillage', 'tillage'],
  ['tilled', 'tillage'],
]);

export function operationTypeFromWord(word: string): OperationType | undefined {
  return OPERATION_WORDS.get(normalizeName(word));
}

/** The standard properties whose presence tells the operation type when no property names it, in this order. */
export const TYPE_EVIDENCE: readonly [OperationType, readonly StandardProperty[]][] = [
  ['harvested', ['wetMassPerArea', 'wetVolumePerArea', 'dryMassPerArea', 'harvestMoisture', 'cropFlow']],
  ['planted', ['seedRate', 'seedRateTarget', 'singulation', 'downForce', 'seedDepth']],
  ['applied', ['appliedRate', 'appliedRateTarget']],
  ['tillage', ['tillageDepthActual', 'tillageDepthTarget']],
];

/** What each operation type cannot do without (the value the machine itself logs), with any one of these properties. */
export const REQUIRED_VALUE: Readonly<Record<OperationType, readonly StandardProperty[]>> = {
  harvested: ['wetMassPerArea', 'wetVolumePerArea'],
  planted: ['seedRate'],
  applied: ['appliedRate'],
  tillage: [],
};

/** Standard per-point results the engine derives itself; an input's values for them are kept in the raw output only. */
export const DERIVED_NAMES: ReadonlySet<string> = new Set(['area', 'wetmass', 'drymass', 'wetvolume', 'dryvolume', 'dryvolumeperarea']);
