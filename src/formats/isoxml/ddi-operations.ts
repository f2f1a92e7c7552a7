import type { OperationType } from '../../model/operations.ts';

/*
 * Which operation a logged DDI speaks for. Every row names its source: the DDI names and units of
 * ISO 11783-11 as vendored in ddi.tsv (isoxml-js, Apache-2.0) and the DDI notes in
 * reference/isoxml.md. A `decides` row alone makes a timelog an operation of its family; the
 * other rows of a family (defaults, limits, totals, seed depth, bale sizes) follow the operation
 * without creating one.
 */

/**
 * `application` rates (volume/mass per area) are the one ambiguous family: a sprayer or spreader
 * applies product with them, but an air seeder meters wheat in kg/ha with the same DDIs. It
 * resolves to applied or planted from the product allocated or the device class (see
 * `resolveFamily`).
 */
export type DdiFamily = 'seeding' | 'application' | 'yield' | 'tillage' | 'common';

interface DdiRule {
  from: number;
  to: number;
  family: DdiFamily;
  decides: boolean;
  source: string;
}

const RULES: readonly DdiRule[] = [
  { from: 0x0001, to: 0x0002, family: 'application', decides: true, source: 'ddi.tsv: Setpoint/Actual Volume Per Area Application Rate (mm³/m²); isoxml.md "Application rates"' },
  { from: 0x0003, to: 0x0005, family: 'application', decides: false, source: 'ddi.tsv: Default/Minimum/Maximum Volume Per Area Application Rate' },
  { from: 0x0006, to: 0x0007, family: 'application', decides: true, source: 'ddi.tsv: Setpoint/Actual Mass Per Area Application Rate (mg/m²); isoxml.md "Application rates"' },
  { from: 0x0008, to: 0x000a, family: 'application', decides: false, source: 'ddi.tsv: Default/Minimum/Maximum Mass Per Area Application Rate' },
  { from: 0x000b, to: 0x000c, family: 'seeding', decides: true, source: 'ddi.tsv: Setpoint/Actual Count Per Area Application Rate (/m²); isoxml.md: count per area = seeds' },
  { from: 0x000d, to: 0x000f, family: 'seeding', decides: false, source: 'ddi.tsv: Default/Minimum/Maximum Count Per Area Application Rate' },
  { from: 0x0010, to: 0x0011, family: 'seeding', decides: true, source: 'ddi.tsv: Setpoint/Actual Spacing Application Rate (mm); isoxml.md: spacing' },
  { from: 0x0012, to: 0x0014, family: 'seeding', decides: false, source: 'ddi.tsv: Default/Minimum/Maximum Spacing Application Rate' },
  { from: 0x0015, to: 0x002d, family: 'application', decides: false, source: 'ddi.tsv: volume/mass per volume, mass and time application rates' },
  { from: 0x002e, to: 0x0032, family: 'seeding', decides: false, source: 'ddi.tsv: Count Per Time Application Rate' },
  { from: 0x0033, to: 0x0034, family: 'tillage', decides: true, source: 'ddi.tsv: Setpoint/Actual Tillage Depth (mm); isoxml.md "Tillage depth"' },
  { from: 0x0035, to: 0x0037, family: 'tillage', decides: false, source: 'ddi.tsv: Default/Minimum/Maximum Tillage Depth' },
  { from: 0x0038, to: 0x003c, family: 'seeding', decides: false, source: 'ddi.tsv: Setpoint/Actual/... Seeding Depth' },
  { from: 0x003d, to: 0x004f, family: 'common', decides: false, source: 'ddi.tsv: working height and width, volume/mass/count content' },
  { from: 0x0050, to: 0x0051, family: 'application', decides: true, source: 'ddi.tsv: Application Total Volume (L) / Mass (kg); isoxml.md "Totals"' },
  { from: 0x0052, to: 0x0052, family: 'seeding', decides: true, source: 'ddi.tsv: Application Total Count (#); isoxml.md "Totals"' },
  { from: 0x0053, to: 0x005b, family: 'yield', decides: true, source: 'ddi.tsv: Volume/Mass/Count Per Area and Per Time Yield, Yield Total Volume/Mass/Count; isoxml.md "Yield"' },
  { from: 0x005c, to: 0x0062, family: 'yield', decides: false, source: 'ddi.tsv: Crop Loss' },
  { from: 0x0063, to: 0x0063, family: 'yield', decides: true, source: 'ddi.tsv: Crop Moisture (ppm); isoxml.md "Yield"' },
  { from: 0x0064, to: 0x0073, family: 'yield', decides: false, source: 'ddi.tsv: Crop Contamination, bale width/height/size' },
  { from: 0x0074, to: 0x0078, family: 'common', decides: false, source: 'ddi.tsv: Total Area, effective/ineffective distance and time; isoxml.md "Totals"' },
  { from: 0x0086, to: 0x0088, family: 'common', decides: false, source: 'ddi.tsv: Device Element Offset X/Y/Z' },
  { from: 0x008d, to: 0x008d, family: 'common', decides: false, source: 'ddi.tsv: Actual Work State; isoxml.md "Geometry and state"' },
  { from: 0x0094, to: 0x0096, family: 'common', decides: false, source: 'ddi.tsv: Total/Instantaneous Fuel Consumption' },
  { from: 0x00a0, to: 0x00b0, family: 'common', decides: false, source: 'ddi.tsv: Section Control State, Actual Condensed Work State (1-256)' },
  { from: 0x00b5, to: 0x00b7, family: 'yield', decides: true, source: 'ddi.tsv: Dry Mass Per Area/Per Time Yield, Yield Total Dry Mass; isoxml.md "Yield"' },
  { from: 0x00b8, to: 0x00b8, family: 'yield', decides: false, source: 'ddi.tsv: Reference Moisture For Dry Mass' },
  { from: 0x00b9, to: 0x00be, family: 'yield', decides: true, source: 'ddi.tsv: Seed/Lint Cotton Mass Per Area/Time Yield and totals' },
  { from: 0x00d3, to: 0x00df, family: 'yield', decides: false, source: 'ddi.tsv: Last Bale flakes, moisture, pressure, mass' },
  { from: 0x0105, to: 0x0107, family: 'yield', decides: false, source: 'ddi.tsv: Average Yield Mass Per Time, Average Crop Moisture, Average Yield Mass Per Area' },
  { from: 0x0121, to: 0x0131, family: 'common', decides: false, source: 'ddi.tsv: Setpoint Work State, Setpoint Condensed Work State' },
  { from: 0x018c, to: 0x0190, family: 'common', decides: false, source: 'ddi.tsv: Setpoint/Actual/Minimum/Maximum Speed, Speed Source; isoxml.md "Speed"' },
  { from: 0x0196, to: 0x0197, family: 'yield', decides: false, source: 'ddi.tsv: Actual/Average Protein Content' },
  { from: 0x019f, to: 0x01a9, family: 'seeding', decides: false, source: 'ddi.tsv: seed singulation, skip, multiple, spacing deviation' },
  { from: 0x0211, to: 0x0212, family: 'tillage', decides: false, source: 'ddi.tsv: Setpoint/Actual Tillage Disc Gang Angle' },
  { from: 0x024c, to: 0x024d, family: 'application', decides: true, source: 'ddi.tsv: Setpoint/Actual Volume Per Area Application Rate as [ml/m²]' },
  { from: 0x024e, to: 0x0250, family: 'application', decides: false, source: 'ddi.tsv: Minimum/Maximum/Default Volume Per Area Application Rate as [ml/m²]' },
];

export interface DdiRole {
  family: DdiFamily;
  decides: boolean;
}

/** The role of a DDI, or undefined for DDIs no rule covers (proprietary ones included). */
export function ddiRole(ddi: number): DdiRole | undefined {
  for (const rule of RULES) if (ddi >= rule.from && ddi <= rule.to) return { family: rule.family, decides: rule.decides };
  return undefined;
}

/**
 * ISO 11783-1 device classes (industry group 2), read from the DVC client NAME (second byte,
 * shifted right by one); names as in ISO 11783-1 and isoxml-dotnet's DeviceClass enum.
 */
const DEVICE_CLASSES: readonly string[] = [
  'Non-specific System',
  'Tractor',
  'Primary Soil Tillage',
  'Secondary Soil Tillage',
  'Planters/Seeders',
  'Fertilizers',
  'Sprayers',
  'Harvesters',
  'Root Harvesters',
  'Forage Harvesters',
  'Irrigation',
  'Transport/Trailers',
  'Farmyard Operations',
  'Powered Auxiliary Units',
  'Special Crops',
  'Municipal Work',
  'Unknown',
  'Sensor Systems',
  'Reserved',
  'Timber Harvesters',
  'Forwarders',
  'Timber Loaders',
  'Timber Processing Machines',
  'Mulchers',
  'Utility Vehicles',
  'Feeders/Mixers',
  'Slurry Applicators',
];

const DEVICE_CLASS_PLANTERS = 4;

/** Device class number from a 16-hex-digit client NAME; undefined when the NAME is malformed. */
export function deviceClassOf(clientName: string | undefined): number | undefined {
  if (!clientName || !/^[0-9A-Fa-f]{16}$/.test(clientName)) return undefined;
  return Number.parseInt(clientName.slice(2, 4), 16) >> 1;
}

/** A device class name worth showing; undefined for classes that say nothing about the work done. */
export function deviceClassName(deviceClass: number | undefined): string | undefined {
  // Beyond the table the NAME is malformed or from a newer standard; either way it tells nothing.
  if (deviceClass === undefined || deviceClass === 0 || deviceClass === 16 || deviceClass === 18) return undefined;
  return DEVICE_CLASSES[deviceClass];
}

/** What is known about the element logging an application-family DDI, to tell spraying from seeding. */
export interface ApplicationContext {
  /** True when a product allocated to the element (or its parents) is a crop or variety (seed); false when it is another product; undefined when none is allocated. */
  productIsSeed?: boolean;
  deviceClass?: number;
  /** True when the same device also logs a deciding seeding DDI (its seed goes by count, so its mass/volume rates are fertilizer). */
  deviceLogsSeedCounts: boolean;
}

/**
 * Operation type of a family. Application rates mean planted only when the evidence says seed:
 * an allocated seed product, or a planter/seeder device (NAME class 4) that meters no seed by count
 * (an air cart drilling wheat in kg/ha, as in the CNH sample's "Seeding" tasks). A planter that
 * counts its seed (CNH "Planter Valoterra": Seed bin 0x000B, Ferti bin 0x0006) applies fertilizer
 * with its mass rates, which become a separate applied operation.
 */
export function resolveFamily(family: Exclude<DdiFamily, 'common'>, context: ApplicationContext): OperationType {
  switch (family) {
    case 'seeding':
      return 'planted';
    case 'yield':
      return 'harvested';
    case 'tillage':
      return 'tillage';
    case 'application':
      if (context.productIsSeed !== undefined) return context.productIsSeed ? 'planted' : 'applied';
      return context.deviceClass === DEVICE_CLASS_PLANTERS && !context.deviceLogsSeedCounts ? 'planted' : 'applied';
  }
}
