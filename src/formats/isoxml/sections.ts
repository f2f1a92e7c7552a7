import type { PointBatch } from '../../model/batch.ts';
import { findProperty, lineage, type DataLogColumn } from './columns.ts';
import { lookupDdi } from './dictionary.ts';
import type { DeviceElement } from './taskdata.ts';

/*
 * Section control: the width an implement actually works with at each point is the sum of the
 * widths of its sections that are on (ISO 11783-10 describes a boom as sections side by side).
 * A section says whether it is on by its own 0x008D Actual Work State, or its parent (a boom or
 * sub-boom) says it for up to 16 sections per DDI in 0x00A1–0x00B0 Actual Condensed Work State,
 * 2 bits a section (00 off, 01 on, 10 error, 11 not installed), section 1 in the lowest bits. The
 * sections a condensed state numbers are those below its element, by element number (DET E):
 * the order task controllers and ISO 11783-10 implementations use to address them. A section's
 * width is its logged 0x0043 Actual Working Width, else its fixed 0x0043 / 0x0046 (DPT).
 */

const WORK_STATE = 0x008d;
const CONDENSED_FIRST = 0x00a1;
const CONDENSED_LAST = 0x00b0;
const ACTUAL_WIDTH = 0x0043;
const MAXIMUM_WIDTH = 0x0046;
const SECTION = 4;

/** Where one section's state and width come from, as raw column keys or fixed values. */
export interface SectionSource {
  elementId: string;
  /** The state column: the section's own work state, or its parent's condensed state with the section's bit offset. */
  state?: { key: string; shift?: number };
  /** Width in mm: a logged column, or a fixed device property. */
  width: { key: string } | { value: number } | undefined;
}

/** A rate logged per section, combined into one value weighted by the width that is on. */
export interface CombinedRate {
  /** Key of the combined column the operation gets. */
  key: string;
  /** The rate column of each section that logs it, by section element id. */
  parts: Map<string, string>;
}

export interface SectionWork {
  /** The implement's own work state (0x008D): off means nothing works, whatever its sections say. */
  implementStateKey?: string;
  sections: SectionSource[];
  /** The implement's width (mm, logged or fixed) to share out by the count of sections on when section widths are unknown. */
  implementWidth?: { key: string } | { value: number };
  rates: CombinedRate[];
}

/** Key and label of the column the operation gets: the working width from section states, in mm. */
export const WORKING_WIDTH_KEY = 'workingWidth';

/**
 * How an implement's sections work, from the columns its operation logs: undefined when no section
 * says whether it is on (then the implement's own work state and width are all there is).
 * `anchor` is the element whose width is the operation's equipment width (a boom, the device root).
 */
export function planSections(anchor: DeviceElement, columns: readonly DataLogColumn[], implementStateKey: string | undefined, implementWidth: SectionWork['implementWidth']): SectionWork | undefined {
  const device = anchor.device;
  const sections = device.elements.filter((e) => e.type === SECTION && e !== anchor && lineage(e).includes(anchor)).sort(byElementNumber);
  if (sections.length === 0) return undefined;
  const logged = (element: DeviceElement, ddi: number) => columns.find((c) => c.element === element && c.ddi === ddi);

  const sources: SectionSource[] = sections.map((section) => {
    const own = logged(section, WORK_STATE);
    const widthColumn = logged(section, ACTUAL_WIDTH);
    const fixed = findProperty(section, ACTUAL_WIDTH) ?? findProperty(section, MAXIMUM_WIDTH);
    const width = widthColumn ? { key: widthColumn.key } : fixed && fixed.value > 0 ? { value: fixed.value * (lookupDdi(fixed.ddi)?.resolution ?? 1) } : undefined;
    return { elementId: section.id, state: own ? { key: own.key } : condensedState(section, columns), width };
  });
  if (!sources.some((s) => s.state)) return undefined;
  return { implementStateKey, sections: sources, implementWidth, rates: [] };
}

/** The condensed work state that numbers this section: that of its nearest parent logging one, with the section's bits. */
function condensedState(section: DeviceElement, columns: readonly DataLogColumn[]): SectionSource['state'] {
  for (const parent of lineage(section).slice(1)) {
    const numbered = parent.device.elements.filter((e) => e.type === SECTION && e !== parent && lineage(e).includes(parent)).sort(byElementNumber);
    const index = numbered.indexOf(section);
    const ddi = CONDENSED_FIRST + Math.floor(index / 16);
    if (ddi > CONDENSED_LAST) return undefined;
    const column = columns.find((c) => c.element === parent && c.ddi === ddi);
    if (column) return { key: column.key, shift: 2 * (index % 16) };
  }
  return undefined;
}

function byElementNumber(a: DeviceElement, b: DeviceElement): number {
  return (a.number ?? a.objectId) - (b.number ?? b.objectId) || a.objectId - b.objectId;
}

/** Whether a work state value means on: 1; 0 off, 2 error; NaN (not logged yet) is taken as on. */
function isOn(value: number): boolean {
  return Number.isNaN(value) || value === 1;
}

/**
 * Adds the working width (mm) and the combined per-section rates to each batch of an operation
 * whose sections are known, from the raw values the timelog decoder carried forward.
 */
export class SectionWorkCalculator {
  constructor(private readonly work: SectionWork) {}

  apply(batch: PointBatch): void {
    const n = batch.length;
    const { work } = this;
    const get = (key: string | undefined) => (key === undefined ? undefined : batch.numbers.get(key));
    const implementState = get(work.implementStateKey);
    const states = work.sections.map((s) => ({ column: get(s.state?.key), shift: s.state?.shift }));
    const widths = work.sections.map((s) => (s.width && 'key' in s.width ? get(s.width.key) : undefined));
    const fixedWidths = work.sections.map((s) => (s.width && 'value' in s.width ? s.width.value : NaN));
    const implementWidth = work.implementWidth && 'key' in work.implementWidth ? get(work.implementWidth.key) : undefined;
    const implementFixed = work.implementWidth && 'value' in work.implementWidth ? work.implementWidth.value : NaN;
    const out = new Float64Array(n);
    const rates = work.rates.map((rate) => ({ out: new Float64Array(n), parts: work.sections.map((s) => get(rate.parts.get(s.elementId))) }));
    const on = new Uint8Array(work.sections.length);
    const width = new Float64Array(work.sections.length);
    for (let i = 0; i < n; i++) {
      if (implementState && !isOn(implementState[i]!)) {
        out[i] = 0;
        for (const rate of rates) rate.out[i] = NaN;
        continue;
      }
      let sum = 0;
      let count = 0;
      let unknownWidth = false;
      for (let s = 0; s < states.length; s++) {
        const { column, shift } = states[s]!;
        const raw = column ? column[i]! : NaN;
        const state = shift === undefined || Number.isNaN(raw) ? raw : ((raw >>> 0) >>> shift) & 3;
        // A section without any state source works whenever the implement does.
        on[s] = isOn(state) ? 1 : 0;
        width[s] = widths[s] ? widths[s]![i]! : fixedWidths[s]!;
        if (!on[s]) continue;
        count++;
        if (Number.isNaN(width[s]!)) unknownWidth = true;
        else sum += width[s]!;
      }
      if (unknownWidth) {
        // Without every section's width, the implement's width is shared out by the count of sections on.
        const whole = implementWidth ? implementWidth[i]! : implementFixed;
        sum = (whole * count) / states.length;
        width.fill(whole / states.length);
      }
      out[i] = sum;
      for (const rate of rates) {
        let weighted = 0;
        let weight = 0;
        for (let s = 0; s < states.length; s++) {
          const part = rate.parts[s];
          const value = part ? part[i]! : NaN;
          if (!on[s] || Number.isNaN(value) || !(width[s]! > 0)) continue;
          weighted += value * width[s]!;
          weight += width[s]!;
        }
        rate.out[i] = weight > 0 ? weighted / weight : NaN;
      }
    }
    batch.numbers.set(WORKING_WIDTH_KEY, out);
    work.rates.forEach((rate, r) => batch.numbers.set(rate.key, rates[r]!.out));
  }
}
