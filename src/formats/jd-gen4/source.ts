import type { PointBatch } from '../../model/batch.ts';
import type { ColumnSpec, OperationMeta, OperationSource } from '../types.ts';
import { type ChannelColumn, DISTANCE_KEY, MASS_FLOW_CODE, planColumns, runPoints, SECTIONS_ON_KEY, WET_MASS_KEY, WIDTH_KEY, WORK_STATE_KEY, type PointOptions } from './points.ts';
import { spreadHeaderUpGrain } from './grain-spread.ts';
import { plantingProblem, ROW_COLUMNS, runRowPoints } from './planting.ts';
import type { SessionFile } from './session.ts';
import { WORKING_POINT_DELAY_S } from './working-point.ts';

/**
 * The operation source of a harvest, application or planting run: the meta's columns and a
 * `points()` that decodes the session files lazily. Which seconds become points and what is derived
 * per point is FORMAT.md's "Point selection", "Planting (rows)" and "Working-point position";
 * anything else is a raw `jd<code>` column.
 */

/** The implement's working width (5.10.2.6), from the first device that declares one. */
function headerWidth(sessions: readonly SessionFile[]): number | undefined {
  for (const session of sessions) for (const device of session.header.devices) if (device.width !== undefined) return device.width;
  return undefined;
}

function extraColumns(options: PointOptions): ColumnSpec[] {
  const columns: ColumnSpec[] = [
    { key: WORK_STATE_KEY, label: 'Work state (the one-element state channel, 1 = on; meaning inferred, FORMAT.md)', kind: 'number' },
    { key: SECTIONS_ON_KEY, label: 'Sections on (elements of the section state channel that are 1)', kind: 'number', unit: 'count' },
    { key: DISTANCE_KEY, label: 'Distance since the previous second (working point)', kind: 'number', unit: 'm', standard: 'distance' },
  ];
  if (options.massFlow) columns.push({ key: WET_MASS_KEY, label: 'Wet mass per area (mass flow × 1 s / (distance × header width); grain measured with the header up spread over the harvested seconds next to it)', kind: 'number', unit: 'lb/ac', standard: 'wetMassPerArea' });
  if (options.width) columns.push({ key: WIDTH_KEY, label: options.width.perSection ? 'Working width (boom width × share of sections on)' : 'Working width (header width)', kind: 'number', unit: 'm', standard: 'equipmentWidth' });
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
    const problem = plantingProblem(sessions);
    if (problem) return problem;
    meta.columns = ROW_COLUMNS.map((c) => ({ ...c }));
    return { meta, points: () => runRowPoints(sessions) };
  }
  const channels = planColumns(sessions.map((s) => s.header));
  const repeated = repeatedIdentified(sessions, channels);
  if (repeated.length > 0) {
    return `its sessions log several channels of the same kind (${repeated.join('; ')}), one per product of a direct-injection system, and which product each belongs to is not decoded`;
  }
  const width = headerWidth(sessions);
  let options: PointOptions;
  if (meta.operationType === 'harvested') {
    if (width === undefined || !channels.some((c) => c.code === MASS_FLOW_CODE && c.spec.standard === 'cropFlow')) {
      meta.warnings.push('no header width or no mass-flow channel (DDI 87): the yield cannot be computed');
      options = { select: 'moving', ...(width !== undefined ? { width: { metres: width, perSection: false } } : {}) };
    } else {
      options = { select: 'moving', massFlow: { code: MASS_FLOW_CODE, width }, width: { metres: width, perSection: false } };
    }
  } else if (meta.operationType === 'applied') {
    options = { select: 'sectionsOn', ...(width !== undefined ? { width: { metres: width, perSection: true } } : {}) };
    if (!channels.some((c) => c.spec.standard === 'appliedRate')) return 'no applied-rate channel (DDI 2) is declared';
  } else {
    return `points of ${meta.operationType} runs are not decoded`;
  }
  const geometry = sessions.find((s) => s.header.geometry)?.header.geometry;
  if (geometry) {
    options.workingPoint = { offset: geometry.implementInline + geometry.sectionInline - geometry.receiverInline, delay: WORKING_POINT_DELAY_S };
  } else {
    meta.warnings.push('no implement geometry in the session headers: points are at the GNSS receiver, not at the working point');
  }
  meta.columns = [...channels.map((c) => c.spec), ...extraColumns(options)];
  const massFlow = options.massFlow;
  const flowKey = channels.find((c) => c.code === massFlow?.code)?.spec.key;
  return {
    meta,
    points(): AsyncIterable<PointBatch> {
      if (!massFlow || !flowKey) return runPoints(sessions, channels, options);
      // Harvest: grain measured with the header up goes back to the harvested seconds next to it, as in the export (grain-spread.ts).
      return spreadHeaderUpGrain(() => runPoints(sessions, channels, options), { sectionsOn: SECTIONS_ON_KEY, wetMass: WET_MASS_KEY, distance: DISTANCE_KEY, massFlow: flowKey, width: massFlow.width });
    },
  };
}
