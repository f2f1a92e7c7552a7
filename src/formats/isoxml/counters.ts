import type { OperationType } from '../../model/operations.ts';
import { isoDictionaryUnit } from '../../model/units.ts';
import type { CounterColumn, CounterQuantity, MachineTotal } from '../types.ts';
import { depthOf, lineage, type DataLogColumn } from './columns.ts';
import { ddiHex, lookupDdi } from './dictionary.ts';
import type { DeviceElement, Task } from './taskdata.ts';

/*
 * The machine's own running totals (ISO 11783-11 "total" DDIs) that check an operation's figures:
 * logged in the timelogs (their growth over the operation's points is the machine's figure) or,
 * when not logged, stated by the task's TIM elements (the totals of the task at its end).
 */

const COUNTER_DDIS: readonly (readonly [number, CounterQuantity])[] = [
  [0x0074, 'area'],
  [0x0075, 'distance'],
  [0x0077, 'time'],
  [0x0050, 'appliedVolume'],
  [0x0051, 'appliedMass'],
  [0x0052, 'appliedCount'],
  [0x0059, 'yieldVolume'],
  [0x005a, 'yieldMass'],
  [0x0094, 'fuel'],
];

const FOR_TYPE: Readonly<Record<OperationType, readonly CounterQuantity[]>> = {
  applied: ['area', 'distance', 'time', 'appliedVolume', 'appliedMass', 'appliedCount', 'fuel'],
  planted: ['area', 'distance', 'time', 'appliedVolume', 'appliedMass', 'appliedCount', 'fuel'],
  harvested: ['area', 'distance', 'time', 'yieldVolume', 'yieldMass', 'fuel'],
  tillage: ['area', 'distance', 'time', 'fuel'],
};

const SECTION = 4;
/** Binary timelog values are 32-bit: a running total that passes 2³¹ − 1 steps comes back from −2³¹. */
const INT32_RANGE = 2 ** 32;

export interface OperationCounters {
  counters: CounterColumn[];
  machineTotals: MachineTotal[];
}

/**
 * The counters of one operation. `reference` are the elements whose figures the operation's own
 * are (the element of its rate, then of its width), nearest first: a counter logged on one of
 * them, or on the nearest parent of one, is the machine's figure for this operation; a counter
 * kept by each section alone is summed over the sections. Fuel is the machine's, wherever logged.
 */
export function planCounters(type: OperationType, columns: readonly DataLogColumn[], reference: readonly DeviceElement[], task: Task): OperationCounters {
  const counters: CounterColumn[] = [];
  const machineTotals: MachineTotal[] = [];
  const wanted = new Set(FOR_TYPE[type]);
  const lines = reference.map((e) => lineage(e));
  for (const [ddi, quantity] of COUNTER_DDIS) {
    if (!wanted.has(quantity)) continue;
    const entry = lookupDdi(ddi);
    const unit = entry && isoDictionaryUnit(entry.unit);
    if (!entry || !unit) continue;
    const logged = columns.filter((c) => c.ddi === ddi && c.element && !Number.isNaN(c.scale));
    const chosen = choose(logged, lines, quantity);
    if (chosen.length > 0) {
      const where = chosen.length === 1 ? chosen[0]!.deviceElementId : `sum of ${chosen.length} sections: ${chosen.map((c) => c.deviceElementId).join(', ')}`;
      counters.push({ quantity, keys: chosen.map((c) => c.key), unit, label: `ISOXML 0x${ddiHex(ddi)} ${entry.name} (${where}), growth over the operation's points`, modulus: INT32_RANGE * chosen[0]!.scale });
      continue;
    }
    const stated = statedTotal(task, ddi, lines, quantity);
    if (stated) machineTotals.push({ quantity, value: stated.value * entry.resolution, unit, label: `ISOXML 0x${ddiHex(ddi)} ${entry.name} (${stated.elementId}), the task's total in TASKDATA.XML (TIM)` });
  }
  return { counters, machineTotals };
}

/** The counter columns that speak for the operation: on the nearest element of a reference line, or the sections under it that each count. */
function choose(logged: readonly DataLogColumn[], lines: readonly DeviceElement[][], quantity: CounterQuantity): DataLogColumn[] {
  for (const line of lines) {
    for (const element of line) {
      const own = logged.find((c) => c.element === element);
      if (own) return [own];
      const sections = logged.filter((c) => c.element!.type === SECTION && c.element !== element && lineage(c.element!).includes(element));
      if (sections.length > 0) return sections;
    }
  }
  if (quantity !== 'fuel') return [];
  // The tractor's or trip computer's fuel counter: the one nearest its device root.
  const sorted = [...logged].sort((a, b) => depthOf(a.element) - depthOf(b.element));
  return sorted.length > 0 ? [sorted[0]!] : [];
}

function statedTotal(task: Task, ddi: number, lines: readonly DeviceElement[][], quantity: CounterQuantity): { value: number; elementId: string } | undefined {
  const last = (elementId: string) => task.timeTotals.filter((t) => t.ddi === ddi && t.deviceElementId === elementId).at(-1);
  for (const line of lines) {
    for (const element of line) {
      const own = last(element.id);
      if (own) return { value: own.value, elementId: element.id };
    }
  }
  if (quantity !== 'fuel') return undefined;
  const any = task.timeTotals.filter((t) => t.ddi === ddi).at(-1);
  return any && { value: any.value, elementId: any.deviceElementId };
}
