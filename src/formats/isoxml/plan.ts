import { OPERATION_TYPES, type OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { isoDictionaryUnit, unit as unitDef } from '../../model/units.ts';
import type { ColumnSpec, CounterColumn, Machine, MachineTotal, ProductUse } from '../types.ts';
import { depthOf, findProperty, lineage, type DataLogColumn } from './columns.ts';
import { ddiRole, deviceClassName, deviceClassOf, resolveFamily, type DdiRole } from './ddi-operations.ts';
import { lookupDdi } from './dictionary.ts';
import { allocatedProducts, branchRoot, isWithin, meteringOwner, metersProduct } from './metering.ts';
import { plausibleRange, type MachineTotals, type ReadingQuestion } from './plausibility.ts';
import { planCounters } from './counters.ts';
import { planSections, WORKING_WIDTH_KEY, type SectionWork } from './sections.ts';
import type { Device, DeviceElement, Task, TaskData } from './taskdata.ts';
import type { TimeLogHeader } from './timelog-header.ts';

/*
 * Turns one task and its timelog headers into operations: which operation types the logged DDIs
 * speak for, which columns each operation carries and which of them feed Leaf's standard
 * properties, plus the descriptive metadata (crop, products, machinery).
 */

/** A timelog of a task whose header was read. */
export interface TimeLogInfo {
  /** TLG file name without extension, as the task names it (`TLG00001`). */
  name: string;
  /** Upper-cased key of the `.BIN` entry in the dataset. */
  binaryKey: string;
  header: TimeLogHeader;
  columns: DataLogColumn[];
}

/** A column whose value is fixed for the whole operation (a device property such as a section width). */
export interface ConstantColumn {
  key: string;
  value: number;
}

export interface PlannedOperation {
  type: OperationType;
  /**
   * Set when the task's operation of this type was split by the element that meters each product
   * (see `meteringOwners`): the owning element's id, which also tells the operations' ids apart.
   */
  meteringElementId?: string;
  originalOperationType: string;
  /** Timelogs that carry this operation, in document order (streamed in time order later). */
  timeLogs: TimeLogInfo[];
  columns: ColumnSpec[];
  constants: ConstantColumn[];
  crop?: string;
  varieties: string[];
  products: ProductUse[];
  machinery: Machine[];
  /** Problems found while planning, such as device presentations that contradict the dictionary. */
  warnings: string[];
  /** Standard columns whose dictionary and device readings disagree, to be decided from the values before reading (plausibility.ts). */
  readings: ReadingQuestion[];
  /** Scale per column key that replaces the column's dictionary scale (set when a reading decision picks the device's presentation). */
  scales: Map<string, number>;
  /** The implement's sections, when they say which of them work: the driver derives the working width from them. */
  sectionWork?: SectionWork;
  counters: CounterColumn[];
  machineTotals: MachineTotal[];
}

/** Position fields that become columns when the timelog writes them in every record. */
export const POSITION_COLUMNS = [
  { key: 'elevation', field: 'PositionUp', label: 'Elevation (PTN PositionUp)', unit: 'mm', standard: 'elevation' },
  { key: 'gpsStatus', field: 'PositionStatus', label: 'GNSS position status, 0 no fix … 4 RTK fixed … 15 not available (PTN PositionStatus)' },
  { key: 'pdop', field: 'PDOP', label: 'PDOP (PTN)' },
  { key: 'hdop', field: 'HDOP', label: 'HDOP (PTN)' },
  { key: 'satellites', field: 'NumberOfSatellites', label: 'Number of satellites (PTN)' },
] as const;

/** Candidate DDIs per standard property, best first, by operation type (isoxml.md's map, checked against ddi.tsv). */
const STANDARD_CANDIDATES: Readonly<Record<OperationType, readonly (readonly [StandardProperty, readonly number[]])[]>> = {
  harvested: [
    ['wetMassPerArea', [0x0054]],
    ['wetVolumePerArea', [0x0053]],
    ['dryMassPerArea', [0x00b5]],
    ['harvestMoisture', [0x0063]],
    ['cropFlow', [0x0057, 0x0056]],
  ],
  applied: [
    ['appliedRate', [0x0002, 0x0007, 0x024d]],
    ['appliedRateTarget', [0x0001, 0x0006, 0x024c]],
  ],
  // Seed metered by mass or volume (an air seeder) is still the seed rate; Leaf accepts kg/ha and lb/ac for it.
  planted: [
    ['seedRate', [0x000c, 0x0007, 0x0002, 0x024d]],
    ['seedRateTarget', [0x000b, 0x0006, 0x0001, 0x024c]],
    // Row-unit figures Leaf documents for planters: actual down force as a force (not 0x016E, a pressure), and the meter's seed quality.
    ['downForce', [0x01ab]],
    ['singulation', [0x019f]],
    ['skips', [0x01a1]],
    ['doubles', [0x01a3]],
  ],
  tillage: [
    ['tillageDepthActual', [0x0034]],
    ['tillageDepthTarget', [0x0033]],
  ],
};

/** 0x0094 Total Fuel Consumption is a running total; it is kept as a column but never fed to per-point `fuelUsed`. */
const COMMON_STANDARD: readonly (readonly [StandardProperty, number])[] = [
  ['equipmentWidth', 0x0043],
  ['speed', 0x018d],
  ['recordingStatus', 0x008d],
];

interface Classified {
  column: DataLogColumn;
  role?: DdiRole;
  /** The operation this column belongs to; undefined for common and unknown DDIs. */
  type?: OperationType;
}

export interface TaskPlan {
  operations: PlannedOperation[];
  warnings: string[];
}

export function planTask(data: TaskData, task: Task, timeLogs: readonly TimeLogInfo[]): TaskPlan {
  const warnings: string[] = [];
  const seedProducts = seedProductIds(data);
  const allColumns = timeLogs.flatMap((log) => log.columns);

  // A device that counts its seed meters fertilizer, not seed, with its mass/volume rates.
  const countsSeed = new Set<string>();
  for (const column of allColumns) {
    const role = ddiRole(column.ddi);
    if (role?.family === 'seeding' && role.decides && column.element) countsSeed.add(column.element.device.id);
  }

  const classify = (column: DataLogColumn): Classified => {
    const role = ddiRole(column.ddi);
    if (!role || role.family === 'common') return { column, role };
    const device = column.element?.device;
    const type = resolveFamily(role.family, {
      productIsSeed: column.element ? allocatedProductIsSeed(task, column.element, data, seedProducts) : undefined,
      deviceClass: deviceClassOf(device?.clientName),
      deviceLogsSeedCounts: device ? countsSeed.has(device.id) : false,
    });
    return { column, role, type };
  };
  const classified = new Map(timeLogs.map((log) => [log, log.columns.map(classify)]));

  const typesOfLog = new Map<TimeLogInfo, Set<OperationType>>();
  const devicesDoing = new Map<string, Set<OperationType>>();
  for (const log of timeLogs) {
    const types = new Set<OperationType>();
    for (const c of classified.get(log)!) {
      if (!c.role?.decides || !c.type) continue;
      types.add(c.type);
      const device = c.column.element?.device.id;
      if (device) devicesDoing.set(device, (devicesDoing.get(device) ?? new Set()).add(c.type));
    }
    typesOfLog.set(log, types);
    if (types.size === 0) {
      warnings.push(
        `${task.id}: timelog ${log.name} logs no value that identifies an operation (${log.columns.length === 0 ? 'positions only' : 'only positions, work states, totals or device-specific values'}); it was not converted`,
      );
    }
  }

  const operations: PlannedOperation[] = [];
  for (const type of OPERATION_TYPES) {
    const logs = timeLogs.filter((log) => typesOfLog.get(log)!.has(type));
    if (logs.length === 0) continue;
    const included: Classified[] = [];
    for (const log of logs) {
      for (const c of classified.get(log)!) {
        if (belongsTo(c, type, devicesDoing)) included.push(c);
      }
    }
    const owners = meteringOwners(data, task, type, included);
    if (!owners) {
      operations.push(buildOperation(data, task, type, logs, included, seedProducts));
      continue;
    }
    const branches = owners.map((owner) => branchRoot(owner, owners));
    owners.forEach((owner, i) => {
      const others = branches.filter((_, j) => j !== i);
      const own = included.filter((c) => inBranch(c, branches[i]!, others, type, devicesDoing));
      const ownLogs = logs.filter((log) => classified.get(log)!.some((c) => c.role?.decides && c.type === type && own.includes(c)));
      operations.push(buildOperation(data, task, type, ownLogs, own, seedProducts, owner));
    });
  }
  return { operations, warnings };
}

/**
 * The elements that meter the products of an application or seeding, when they meter different
 * products: then each is an operation of its own (isoxml.md: several device functions logged in
 * one timelog stay separate operations). An owner is the element a product is allocated to (PAN),
 * or a bin without allocation, that logs a rate or setpoint itself or below it. The AGCO card's
 * dual-boom sprayer allocates "Counter" to bin DET-15 under boom DET-8 and "yy" to bin DET-16 under
 * boom DET-9, each bin logging its own 0x0002: two operations. Undefined when fewer than two
 * different products are allocated to the owners: one operation, as before.
 */
function meteringOwners(data: TaskData, task: Task, type: OperationType, included: Classified[]): DeviceElement[] | undefined {
  if (type !== 'applied' && type !== 'planted') return undefined;
  const rates = new Set(STANDARD_CANDIDATES[type].filter(([property]) => RATES.has(property)).flatMap(([, ddis]) => ddis));
  const owners: DeviceElement[] = [];
  for (const c of included) {
    if (c.type !== type || !rates.has(c.column.ddi) || !c.column.element || !metersProduct(data, task, c.column.element)) continue;
    const owner = meteringOwner(task, c.column.element);
    if (owner && !owners.includes(owner)) owners.push(owner);
  }
  const products = new Set(owners.map((owner) => allocatedProducts(task, owner)).filter((key) => key !== ''));
  if (products.size < 2) return undefined;
  return owners.sort((a, b) => a.device.id.localeCompare(b.device.id, 'en', { numeric: true }) || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/**
 * Whether a column goes with the operation of one metering branch: its own branch (the owner,
 * the elements below it, and its parents up to where another owner's line joins, e.g. the boom of a
 * bin and the boom's sections), the elements above the branch that all share (the device root),
 * and devices that take no part in the operation (the tractor, a trip computer). Not: the other
 * branches, nor other elements of the devices doing the operation: those meter no product of the
 * task (the AGCO card's "ServiceUtility" logs 0x0002 with every value 0).
 */
function inBranch(c: Classified, branch: DeviceElement, others: readonly DeviceElement[], type: OperationType, devicesDoing: ReadonlyMap<string, ReadonlySet<OperationType>>): boolean {
  const element = c.column.element;
  if (!element) return true;
  if (isWithin(element, branch) || isWithin(branch, element)) return true;
  if (others.some((other) => isWithin(element, other))) return false;
  return !devicesDoing.get(element.device.id)?.has(type);
}

/**
 * Columns of the operation's own family, the common ones (width, speed, work state, totals,
 * offsets), and DDIs no rule covers (proprietary ones) when their device works for this operation
 * or for none (a tractor's or trip computer's values belong to whatever the task did).
 */
function belongsTo(c: Classified, type: OperationType, devicesDoing: ReadonlyMap<string, ReadonlySet<OperationType>>): boolean {
  if (c.type !== undefined) return c.type === type;
  if (c.role?.family === 'common') return true;
  const device = c.column.element?.device.id;
  const doing = device === undefined ? undefined : devicesDoing.get(device);
  return doing === undefined || doing.size === 0 || doing.has(type);
}

function buildOperation(
  data: TaskData,
  task: Task,
  type: OperationType,
  logs: TimeLogInfo[],
  included: Classified[],
  seedProducts: ReadonlySet<string>,
  owner?: DeviceElement,
): PlannedOperation {
  const columns: ColumnSpec[] = [];
  const byKey = new Map<string, Classified>();
  for (const field of POSITION_COLUMNS) {
    if (!logs.some((log) => log.header.position[field.field].kind === 'binary')) continue;
    const unit = 'unit' in field ? field.unit : undefined;
    const standard = 'standard' in field ? field.standard : undefined;
    columns.push({ key: field.key, label: field.label, kind: 'number', unit, standard });
  }
  for (const c of included) {
    if (byKey.has(c.column.key)) continue;
    byKey.set(c.column.key, c);
    columns.push({ key: c.column.key, label: c.column.label, kind: 'number', unit: c.column.unit });
  }

  const workers = operationDevices(included, type);
  const metering = (c: Classified) => c.column.element !== undefined && metersProduct(data, task, c.column.element);
  const assign = (property: StandardProperty, ddis: readonly number[], choose: (candidates: Classified[]) => Classified | undefined): boolean => {
    for (const ddi of ddis) {
      const best = choose([...byKey.values()].filter((c) => c.column.ddi === ddi));
      if (!best) continue;
      const spec = columns.find((s) => s.key === best.column.key)!;
      spec.standard = property;
      return true;
    }
    return false;
  };
  // The rate comes from an element that meters a product, not from one that logs zeros because it meters nothing.
  for (const [property, ddis] of STANDARD_CANDIDATES[type]) assign(property, ddis, (candidates) => nearestRoot(candidates, workers, metering));
  const constants: ConstantColumn[] = [];
  /** The element whose width is the operation's equipment width, and that width (logged or fixed). */
  let widthOf: { element: DeviceElement; width: { key: string } | { value: number } } | undefined;
  for (const [property, ddi] of COMMON_STANDARD) {
    // An operation of one metering branch takes the width and work state of the owner or its nearest parent that logs them.
    const choose = (candidates: Classified[]) => (owner && property !== 'speed' ? nearestInLineage(candidates, owner) : undefined) ?? nearestRoot(candidates, workers);
    if (assign(property, [ddi], choose)) {
      const element = property === 'equipmentWidth' ? byKey.get(columns.find((c) => c.standard === property)!.key)?.column.element : undefined;
      if (element) widthOf = { element, width: { key: columns.find((c) => c.standard === property)!.key } };
      continue;
    }
    if (property !== 'equipmentWidth') continue;
    const fixed = owner ? fixedWidthAlong(lineage(owner)) : fixedWorkingWidth(workers);
    if (fixed) {
      columns.push({ key: fixed.key, label: fixed.label, kind: 'number', unit: isoDictionaryUnit('mm'), standard: 'equipmentWidth' });
      constants.push({ key: fixed.key, value: fixed.value });
      widthOf = { element: fixed.element, width: { value: fixed.value } };
    }
  }
  const sectionWork = widthOf && planSections(widthOf.element, included.map((c) => c.column), columns.find((c) => c.standard === 'recordingStatus')?.key, widthOf.width);
  if (sectionWork) {
    columns.push({ key: WORKING_WIDTH_KEY, label: `Working width: the widths of the sections of ${widthOf!.element.id} that are on, 0 while it is off (derived by Furrow)`, kind: 'number', unit: isoDictionaryUnit('mm'), standard: 'workingWidth' });
    combineSectionRates(sectionWork, columns, byKey, widthOf!.element);
  }
  const rateElement = byKey.get(columns.find((c) => c.standard && RATES_OF_TYPE.has(c.standard))?.key ?? '')?.column.element;
  const reference = [rateElement, owner, widthOf?.element, ...workers.map((d) => d.elements.find((e) => e.type === 1))].filter((e): e is DeviceElement => e !== undefined);
  const counted = planCounters(type, included.map((c) => c.column), reference, task);

  const deciding = included.filter((c) => c.role?.decides && c.type === type);
  const deviceClass = deciding.map((c) => deviceClassName(deviceClassOf(c.column.element?.device.clientName))).find((name) => name !== undefined);
  const originalOperationType = deviceClass ?? lookupDdi(deciding[0]!.column.ddi)?.name ?? type;

  // Only where it matters downstream: a disagreement on a column that feeds a standard property. Where the
  // property has a plausible range, the values decide between the two readings before the points are read.
  const notes = new Map<string, string[]>();
  const readings: ReadingQuestion[] = [];
  for (const spec of columns) {
    const column = spec.standard ? byKey.get(spec.key)?.column : undefined;
    if (!column?.presentationNote) continue;
    const range = plausibleRange(spec.standard!, column.unit);
    if (range && column.unit && column.presented) {
      const { scale, text } = column.presented;
      const totals = RATES.has(spec.standard!) ? machineTotals(column, [...byKey.values()]) : undefined;
      readings.push({ key: spec.key, property: spec.standard!, unit: column.unit, dictionaryScale: column.scale, deviceScale: scale, text, deviceElementId: column.deviceElementId, range, totals });
    } else {
      notes.set(column.presentationNote, [...(notes.get(column.presentationNote) ?? []), column.deviceElementId]);
    }
  }
  const warnings = [...notes].map(([note, elements]) => `${note} (${elements.join(', ')})`);
  if (!columns.some((c) => c.standard === 'equipmentWidth')) {
    warnings.push(
      `no working width is logged or described; area cannot be computed (no element of ${machineNames(included)} logs 0x0043 Actual Working Width, and none describes a fixed 0x0043 or 0x0046 width)`,
    );
  }

  return {
    type,
    ...(owner ? { meteringElementId: owner.id } : {}),
    originalOperationType,
    warnings,
    readings,
    scales: new Map(),
    sectionWork,
    counters: counted.counters,
    machineTotals: counted.machineTotals,
    timeLogs: logs,
    columns,
    constants,
    ...cropAndProducts(data, task, type, deciding, seedProducts, owner),
    machinery: machinery(included),
  };
}

const RATES: ReadonlySet<StandardProperty> = new Set(['appliedRate', 'appliedRateTarget', 'seedRate', 'seedRateTarget']);
/** The properties whose element is the operation's own: its rate or yield. */
const RATES_OF_TYPE: ReadonlySet<StandardProperty> = new Set(['appliedRate', 'seedRate', 'wetMassPerArea', 'wetVolumePerArea', 'dryMassPerArea', 'tillageDepthActual']);

/**
 * A rate the implement's sections log becomes one value per point: the sections' rates weighted by
 * the width of each that is on (sections.ts). It replaces a rate the boom logs for the same DDI: the
 * sections' rates say what reached the ground where they worked (the CNH spreader's boom logs
 * 240 kg/ha while its six sections log 200 kg/ha, and its own mass counter agrees with the sections).
 */
function combineSectionRates(work: SectionWork, columns: ColumnSpec[], byKey: ReadonlyMap<string, Classified>, anchor: DeviceElement): void {
  const sectionIds = new Set(work.sections.map((s) => s.elementId));
  for (const spec of [...columns]) {
    if (!spec.standard || !RATES.has(spec.standard)) continue;
    const chosen = byKey.get(spec.key)?.column;
    if (!chosen?.element || !(sectionIds.has(chosen.element.id) || lineage(anchor).includes(chosen.element))) continue;
    const parts = new Map<string, string>();
    for (const c of byKey.values()) if (c.column.ddi === chosen.ddi && c.column.element && sectionIds.has(c.column.element.id)) parts.set(c.column.element.id, c.column.key);
    if (parts.size === 0) continue;
    const key = `${chosen.key.split('_')[0]}_sections-of-${anchor.id}`;
    if (columns.some((c) => c.key === key)) continue;
    work.rates.push({ key, parts });
    columns.push({ key, label: `${lookupDdi(chosen.ddi)?.name ?? spec.label}: the ${parts.size} sections' rates weighted by the width of each that is on (derived by Furrow)`, kind: 'number', unit: spec.unit, standard: spec.standard });
    delete spec.standard;
  }
}

/** Application total DDI per dimension of a rate: 0x0050 volume (L), 0x0051 mass (kg), 0x0052 count. */
const AMOUNT_OF: Readonly<Partial<Record<string, number>>> = { volumePerArea: 0x0050, massPerArea: 0x0051, countPerArea: 0x0052 };
const TOTAL_AREA = 0x0074;

/**
 * The machine's own counters that check a rate: the application total of the rate's kind and the
 * total area, both logged by the rate's element or its nearest parent that logs both.
 */
function machineTotals(rate: DataLogColumn, candidates: Classified[]): MachineTotals | undefined {
  const amountDdi = rate.unit ? AMOUNT_OF[unitDef(rate.unit).dimension] : undefined;
  if (amountDdi === undefined || !rate.element) return undefined;
  for (const e of lineage(rate.element)) {
    const amount = candidates.find((c) => c.column.element === e && c.column.ddi === amountDdi)?.column;
    const area = candidates.find((c) => c.column.element === e && c.column.ddi === TOTAL_AREA)?.column;
    if (amount?.unit && area?.unit) return { amountKey: amount.key, amountScale: amount.scale, amountUnit: amount.unit, areaKey: area.key, areaScale: area.scale, areaUnit: area.unit };
  }
  return undefined;
}

function machineNames(included: Classified[]): string {
  const names = machinery(included).map((m) => m.name);
  return names.length === 0 ? 'the task' : names.join(', ');
}

/**
 * Among several elements logging the same DDI, the one nearest the device root speaks for the
 * whole implement: a device or function element reports the implement's working width and the
 * rate its controller applies, while a section reports only its own strip (one section's width
 * as equipment width would understate the swath many times over). The devices doing the
 * operation come first: the spreader's own work state says whether it spread, the tractor's or
 * trip computer's only whether the tractor was working. For rates, elements that meter a product
 * come before all others (`metering`). Ties keep header order.
 */
function nearestRoot(candidates: Classified[], workers: readonly Device[], metering?: (c: Classified) => boolean): Classified | undefined {
  const rank = (c: Classified) => (metering && !metering(c) ? 2 : 0) + (c.column.element && workers.includes(c.column.element.device) ? 0 : 1);
  let best: Classified | undefined;
  for (const c of candidates) {
    if (!best || rank(c) < rank(best) || (rank(c) === rank(best) && c.column.depth < best.column.depth)) best = c;
  }
  return best;
}

/** The candidate logged by the element or its nearest parent (the boom of a bin for the bin's width and work state). */
function nearestInLineage(candidates: Classified[], element: DeviceElement): Classified | undefined {
  for (const e of lineage(element)) {
    const found = candidates.find((c) => c.column.element === e);
    if (found) return found;
  }
  return undefined;
}

function operationDevices(included: Classified[], type: OperationType): Device[] {
  const devices: Device[] = [];
  for (const c of included) {
    const device = c.column.element?.device;
    if (device && c.role?.decides && c.type === type && !devices.includes(device)) devices.push(device);
  }
  return devices;
}

/**
 * Working width from fixed device properties (DPT) when no element logs 0x0043: the actual or
 * maximum working width (0x0043/0x0046) of the element nearest the root. When only sections
 * carry one, the implement is their sum: ISO 11783-10 describes a boom as sections side by side
 * (e.g. the AGCO sample's five 2.4 m sections of a 12 m boom), so the swath is the sum of their
 * widths.
 */
function fixedWorkingWidth(devices: Device[]): { key: string; label: string; value: number; element: DeviceElement } | undefined {
  for (const device of devices) {
    const withWidth = device.elements
      .map((element) => ({ element, dpt: findProperty(element, 0x0043) ?? findProperty(element, 0x0046) }))
      .filter((x): x is { element: DeviceElement; dpt: NonNullable<typeof x.dpt> } => x.dpt !== undefined && x.dpt.value > 0);
    if (withWidth.length === 0) continue;
    const minDepth = Math.min(...withWidth.map((x) => depthOf(x.element)));
    const top = withWidth.filter((x) => depthOf(x.element) === minDepth);
    const resolution = (ddi: number) => lookupDdi(ddi)?.resolution ?? 1;
    if (top.length === 1 || top.some((x) => x.element.type !== 4)) {
      const { element, dpt } = top[0]!;
      return {
        key: `DPT-${dpt.ddi === 0x0043 ? '0043' : '0046'}_${element.id}`,
        label: `${lookupDdi(dpt.ddi)?.name ?? 'Working width'}, fixed device property (${element.id})`,
        value: dpt.value * resolution(dpt.ddi),
        element,
      };
    }
    const sum = top.reduce((total, x) => total + x.dpt.value * resolution(x.dpt.ddi), 0);
    const root = device.elements.find((e) => e.type === 1) ?? top[0]!.element;
    return { key: `DPT-0046_${device.id}-sections`, label: `Working width: sum of ${top.length} section widths, fixed device properties (${device.id})`, value: sum, element: root };
  }
  return undefined;
}

/**
 * Fixed working width (DPT) of the nearest of the given elements (an owner and its parents) that
 * describes one: its own 0x0043/0x0046, else the sum of the fixed widths of its sections.
 */
function fixedWidthAlong(elements: readonly DeviceElement[]): { key: string; label: string; value: number; element: DeviceElement } | undefined {
  const widthOf = (element: DeviceElement) => {
    const dpt = findProperty(element, 0x0043) ?? findProperty(element, 0x0046);
    return dpt && dpt.value > 0 ? { dpt, value: dpt.value * (lookupDdi(dpt.ddi)?.resolution ?? 1) } : undefined;
  };
  for (const element of elements) {
    const own = widthOf(element);
    if (own) {
      return {
        key: `DPT-${own.dpt.ddi === 0x0043 ? '0043' : '0046'}_${element.id}`,
        label: `${lookupDdi(own.dpt.ddi)?.name ?? 'Working width'}, fixed device property (${element.id})`,
        value: own.value,
        element,
      };
    }
    const sections = element.device.elements.filter((e) => e.type === 4 && e !== element && e.parentObjectId === element.objectId).map(widthOf).filter((w) => w !== undefined);
    if (sections.length > 0) {
      const sum = sections.reduce((total, w) => total + w.value, 0);
      return { key: `DPT-0046_${element.id}-sections`, label: `Working width: sum of ${sections.length} section widths, fixed device properties (${element.id})`, value: sum, element };
    }
  }
  return undefined;
}

/** Products that are seed: a variety's product (CVT C) or a product in a crop's product group (CTP C, or a PGP of type 2 "crop type"). */
function seedProductIds(data: TaskData): Set<string> {
  const seed = new Set<string>();
  const cropGroups = new Set<string>();
  for (const crop of data.cropTypes.values()) {
    if (crop.productGroupId) cropGroups.add(crop.productGroupId);
    for (const variety of crop.varieties) if (variety.productId) seed.add(variety.productId);
  }
  for (const group of data.productGroups.values()) if (group.type === 2) cropGroups.add(group.id);
  for (const product of data.products.values()) if (product.productGroupId && cropGroups.has(product.productGroupId)) seed.add(product.id);
  return seed;
}

/**
 * Whether the product allocated (PAN) to the element or one of its parents is seed. Undefined
 * when nothing is allocated or nothing says what the product is: a product outside any product
 * group (as all of the CNH sample's are) may be seed or fertilizer alike.
 */
function allocatedProductIsSeed(task: Task, element: DeviceElement, data: TaskData, seedProducts: ReadonlySet<string>): boolean | undefined {
  const ids = new Set(lineage(element).map((e) => e.id));
  for (const allocation of task.productAllocations) {
    if (!allocation.deviceElementId || !ids.has(allocation.deviceElementId)) continue;
    if (seedProducts.has(allocation.productId)) return true;
    const group = data.products.get(allocation.productId)?.productGroupId;
    if (group !== undefined && data.productGroups.has(group)) return false;
  }
  return undefined;
}

function cropAndProducts(
  data: TaskData,
  task: Task,
  type: OperationType,
  deciding: Classified[],
  seedProducts: ReadonlySet<string>,
  owner?: DeviceElement,
): { crop?: string; varieties: string[]; products: ProductUse[] } {
  const decidingElements = deciding.map((c) => c.column.element).filter((e): e is DeviceElement => e !== undefined);
  const related = (id: string | undefined): boolean => {
    if (id === undefined) return true;
    const element = data.deviceElements.get(id);
    if (!element) return true;
    // An operation of one metering branch has the products of its owner (or below it): the device root above both booms logs totals too.
    if (owner) return isWithin(element, owner) || isWithin(owner, element);
    // The product goes with the element that meters it, whether the rate is logged on it, above it or below it.
    return decidingElements.some((e) => lineage(e).includes(element) || lineage(element).includes(e));
  };
  const allocated = task.productAllocations.filter((a) => data.products.has(a.productId) && related(a.deviceElementId));
  const products: ProductUse[] = [];
  const add = (product: ProductUse) => {
    if (!products.some((p) => p.name === product.name)) products.push(product);
  };
  for (const allocation of allocated) {
    const product = data.products.get(allocation.productId)!;
    add({ name: product.designator ?? product.id });
    // A mixture (tank mix) is metered as one product; its parts (PRN) are listed after it as its components.
    for (const part of product.parts) add({ name: data.products.get(part.productId)?.designator ?? part.productId, type: 'Component' });
  }

  let crop: string | undefined;
  const varieties: string[] = [];
  const addVariety = (name: string | undefined) => {
    if (name && !varieties.includes(name)) varieties.push(name);
  };
  for (const allocation of allocated) {
    if (!seedProducts.has(allocation.productId)) continue;
    const product = data.products.get(allocation.productId)!;
    for (const cropType of data.cropTypes.values()) {
      const variety = cropType.varieties.find((v) => v.productId === product.id);
      if (variety || (product.productGroupId && cropType.productGroupId === product.productGroupId)) {
        crop ??= cropType.designator;
        addVariety(variety?.designator);
      }
    }
  }
  const field = task.partfieldId ? data.partfields.get(task.partfieldId) : undefined;
  if (field?.cropTypeId) {
    const cropType = data.cropTypes.get(field.cropTypeId);
    crop ??= cropType?.designator;
    if (field.cropVarietyId && (type === 'planted' || type === 'harvested')) addVariety(cropType?.varieties.find((v) => v.id === field.cropVarietyId)?.designator);
  }
  return { crop: crop?.toLowerCase(), varieties, products };
}

function machinery(included: Classified[]): Machine[] {
  const devices: Device[] = [];
  for (const c of included) {
    const device = c.column.element?.device;
    if (device && !devices.includes(device)) devices.push(device);
  }
  const machines: Machine[] = [];
  for (const device of devices) {
    const deviceClass = deviceClassOf(device.clientName);
    // Class 1 is the tractor; class 0 devices are vehicle-level systems (trip computers, self-propelled machines' own controllers).
    const type = deviceClass === 0 || deviceClass === 1 ? 'machine' : 'implement';
    const name = device.designator ?? device.id;
    // Two device descriptions of one machine (the CNH air cart appears as DVC-34 and DVC-35) are one machine.
    if (!machines.some((m) => m.name === name && m.serialNumber === device.serialNumber)) machines.push({ name, type, serialNumber: device.serialNumber });
  }
  return machines;
}
