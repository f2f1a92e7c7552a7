import type { PointBatch } from '../../model/batch.ts';
import { converter } from '../../model/units.ts';
import type { ColumnSpec, OperationMeta, OperationSource } from '../types.ts';
import { type ChannelColumn, counterColumns, MASS_FLOW_CODE, planColumns } from './channels.ts';
import { DISTANCE_KEY, runPoints, SECTIONS_ON_KEY, WET_MASS_KEY, WIDTH_KEY, WORK_STATE_KEY, WORKING_WIDTH_KEY, type PointOptions } from './points.ts';
import { spreadHeaderUpGrain } from './grain-spread.ts';
import { plantingPlan, runRowPoints } from './planting.ts';
import { sectionStateChannel, stateElementWidths } from './sections.ts';
import type { SessionFile } from './session.ts';
import { WORKING_POINT_DELAY_S } from './working-point.ts';

/**
 * The operation source of a harvest, application or planting run: the meta's columns and a
 * `points()` that decodes the session files lazily. Which seconds become points and what is derived
 * per point is FORMAT.md's "Point selection", "Sections", "Planting (rows)" and "Working-point
 * position"; anything else is a raw `jd<code>` column.
 */

/** The implement's working width (5.10.2.6), from the first device that declares one. */
function headerWidth(sessions: readonly SessionFile[]): number | undefined {
  for (const session of sessions) for (const device of session.header.devices) if (device.width !== undefined) return device.width;
  return undefined;
}

/** True when every session's header gives a width to each element of its section state channel. */
function sectionWidthsKnown(sessions: readonly SessionFile[]): boolean {
  return sessions.every((s) => {
    const channel = sectionStateChannel(s.header);
    return channel !== undefined && stateElementWidths(s.header, channel) !== undefined;
  });
}

function extraColumns(options: PointOptions, sectionWidths: boolean): ColumnSpec[] {
  const columns: ColumnSpec[] = [
    { key: WORK_STATE_KEY, label: 'Work state (the one-element state channel, 1 = on; meaning inferred, FORMAT.md)', kind: 'number' },
    { key: SECTIONS_ON_KEY, label: 'Sections on (elements of the section state channel that are 1)', kind: 'number', unit: 'count' },
    { key: DISTANCE_KEY, label: 'Distance since the previous second (working point)', kind: 'number', unit: 'm', standard: 'distance' },
  ];
  if (options.massFlow) {
    columns.push({ key: WET_MASS_KEY, label: 'Wet mass per area (mass flow × 1 s / (distance × working width); grain measured with the header up spread over the harvested seconds next to it)', kind: 'number', unit: 'lb/ac', standard: 'wetMassPerArea' });
  }
  if (options.width !== undefined) {
    columns.push({ key: WIDTH_KEY, label: 'Implement width (header 5.10.2.6)', kind: 'number', unit: 'm', standard: 'equipmentWidth' });
    columns.push({
      key: WORKING_WIDTH_KEY,
      label: sectionWidths ? 'Working width: sum of the widths of the sections on, 0 with the work state off' : 'Working width: implement width × share of sections on (the header gives no section widths), 0 with the work state off',
      kind: 'number',
      unit: 'm',
      standard: 'workingWidth',
    });
  }
  return columns;
}

/**
 * Identified channels (those with a standard property) declared more than once in one session: a
 * direct-injection sprayer logs one DDI 2 rate per product under the same code, and which product
 * each belongs to is not decoded, so such a run cannot be converted without mixing products.
 */
function repeatedIdentified(sessions: readonly SessionFile[], channels: readonly ChannelColumn[]): string[] {
  const identified = new Set(channels.filter((c) => c.spec.standard !== undefined).map((c) => c.code));
  const repeated = new Set<string>();
  for (const session of sessions) {
    const seen = new Set<number>();
    for (const decl of session.header.channels) {
      if (decl.code === undefined || !identified.has(decl.code)) continue;
      if (seen.has(decl.code)) repeated.add(channels.find((c) => c.code === decl.code)!.spec.label);
      seen.add(decl.code);
    }
  }
  return [...repeated];
}

/** A converting source for a harvest, application or planting run, or why the run cannot be converted. */
export function pointSource(meta: OperationMeta, sessions: readonly SessionFile[]): OperationSource | string {
  if (meta.operationType === 'planted') {
    const plan = plantingPlan(sessions);
    if (typeof plan === 'string') return plan;
    meta.columns = plan.columns;
    meta.warnings.push(...plan.warnings);
    return { meta, points: () => runRowPoints(sessions, plan) };
  }
  const { channels, warnings } = planColumns(sessions.map((s) => s.header));
  const repeated = repeatedIdentified(sessions, channels);
  if (repeated.length > 0) {
    return `its sessions log several channels of the same kind (${repeated.join('; ')}), one per product of a direct-injection system, and which product each belongs to is not decoded`;
  }
  meta.warnings.push(...warnings);
  const width = headerWidth(sessions);
  const flow = channels.find((c) => c.code === MASS_FLOW_CODE && c.spec.standard === 'cropFlow');
  let options: PointOptions;
  if (meta.operationType === 'harvested') {
    if (width === undefined || !flow) {
      meta.warnings.push('no header width or no mass-flow channel (DDI 87) in a known unit: the yield cannot be computed');
      options = { select: 'moving', ...(width !== undefined ? { width } : {}) };
    } else {
      options = { select: 'moving', massFlow: { code: MASS_FLOW_CODE }, width };
    }
  } else if (meta.operationType === 'applied') {
    options = { select: 'sectionsOn', ...(width !== undefined ? { width } : {}) };
    if (!channels.some((c) => c.spec.standard === 'appliedRate') && !channels.some((c) => c.code === 49)) return 'no applied-rate channel (DDI 2) is declared';
  } else {
    return `points of ${meta.operationType} runs are not decoded`;
  }
  const geometry = sessions.find((s) => s.header.geometry)?.header.geometry;
  if (geometry) {
    options.workingPoint = { offset: geometry.implementInline + geometry.sectionInline - geometry.receiverInline, delay: WORKING_POINT_DELAY_S };
  } else {
    meta.warnings.push('no implement geometry in the session headers: points are at the GNSS receiver, not at the working point');
  }
  meta.columns = [...channels.map((c) => c.spec), ...extraColumns(options, sectionWidthsKnown(sessions))];
  const counters = counterColumns(channels);
  if (counters.length > 0) meta.counters = counters;
  return {
    meta,
    points(): AsyncIterable<PointBatch> {
      if (!options.massFlow || !flow) return runPoints(sessions, channels, options);
      // Harvest: grain measured with the header up goes back to the harvested seconds next to it, as in the export (grain-spread.ts).
      return spreadHeaderUpGrain(() => runPoints(sessions, channels, options), {
        sectionsOn: SECTIONS_ON_KEY,
        wetMass: WET_MASS_KEY,
        distance: DISTANCE_KEY,
        massFlow: flow.spec.key,
        massFlowToKgPerS: converter(flow.spec.unit!, 'kg/s'),
        workingWidth: WORKING_WIDTH_KEY,
      });
    },
  };
}
