import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import type { ColumnSpec } from '../types.ts';
import { decodeDataFrame } from './chunk.ts';
import { readFrames } from './frames.ts';
import { FRAME_KIND } from './header.ts';
import { StepState, StepValues } from './points.ts';
import { plantingRows, towedGeometry } from './rows.ts';
import type { SessionFile } from './session.ts';
import { lateralOf, TowedPoint, WORKING_POINT_DELAY_S } from './working-point.ts';

/**
 * Planting points as the Operations Center export makes them: one point per row and second while
 * that row is on (its element of the row state channels is 1), at the row's place on the towed
 * planter, with the row's logged seeding rate (FORMAT.md, "Planting").
 */

export const ROW_COLUMNS: ColumnSpec[] = [
  { key: 'seedRate', label: 'Actual seeding rate of the row (DDI 12)', kind: 'number', unit: 'seeds/ac', standard: 'seedRate' },
  { key: 'seedRateTarget', label: 'Target seeding rate of the row (DDI 11)', kind: 'number', unit: 'seeds/ac', standard: 'seedRateTarget' },
  { key: 'sectionId', label: 'Row (element id, as in the Operations Center export)', kind: 'number', standard: 'sectionId' },
  { key: 'width', label: 'Row width', kind: 'number', unit: 'm', standard: 'equipmentWidth' },
];

/** Why a planting run cannot be converted, or undefined when its headers give rows and towed geometry. */
export function plantingProblem(sessions: readonly SessionFile[]): string | undefined {
  for (const session of sessions) {
    if (plantingRows(session.header).length === 0) return 'a session header declares no planter rows with a DDI 12 seeding-rate channel and a row state';
    if (!towedGeometry(session.header)) return 'a session header gives no hitch geometry (tractor and planter connectors) to place the rows';
    if (plantingRows(session.header).some((r) => r.rate.unit !== 'seeds1ac-1' || r.rate.divisor === undefined)) return 'a row seeding-rate channel is not declared in seeds per acre with a divisor';
  }
  return undefined;
}

/** Streams the row points of the sessions in time order (call `plantingProblem` first). */
export async function* runRowPoints(sessions: readonly SessionFile[]): AsyncGenerator<PointBatch> {
  const keys = ROW_COLUMNS.map((c) => c.key);
  let batch = emptyBatch(BATCH_SIZE, keys);
  // Full batches wait here while a second's rows are added (a callback cannot yield).
  const batches: PointBatch[] = [];
  const ordered = [...sessions].sort((a, b) => (a.header.startTime ?? 0) - (b.header.startTime ?? 0));
  let lastSecond = -Infinity;
  for (const session of ordered) {
    const start = session.header.startTime;
    const geometry = towedGeometry(session.header);
    if (start === undefined || !geometry) continue;
    const rows = plantingRows(session.header);
    const placer = new TowedPoint(geometry.hitch, geometry.drawbar, WORKING_POINT_DELAY_S * 1000);
    const rates = rows.map(() => new StepValues());
    const targets = rows.map(() => new StepValues());
    const stateIds = [...new Set(rows.map((r) => r.stateChannel))];
    const states = new Map(stateIds.map((id) => [id, new StepState()]));
    for await (const frame of readFrames(await session.entry.open())) {
      const payload = frame.payload!;
      if (payload[0] !== 0x08 || payload[1] !== FRAME_KIND.data) continue;
      const chunk = decodeDataFrame(payload, start);
      rows.forEach((row, i) => {
        rates[i]!.load(chunk.series.get(row.rate.id));
        targets[i]!.load(row.target ? chunk.series.get(row.target.id) : undefined);
      });
      for (const [id, state] of states) state.load(chunk.states.get(id));
      const { time, lat, lon } = chunk.positions;
      for (let p = 0; p < time.length; p++) {
        const t = time[p]!;
        placer.push(t, lat[p]!, lon[p]!);
        const rate = rates.map((r) => r.at(t));
        const target = targets.map((r) => r.at(t));
        const on = new Map(stateIds.map((id) => [id, states.get(id)!.at(t)]));
        const second = Math.floor(t / 1000);
        if (second <= lastSecond) continue;
        lastSecond = second;
        const centre = placer.at(t);
        if (!centre) continue;
        rows.forEach((row, i) => {
          if (on.get(row.stateChannel)?.[row.stateIndex] !== 1) return;
          const at = lateralOf(centre, row.lateral);
          const n = batch.length;
          batch.time[n] = t;
          batch.lat[n] = at.lat;
          batch.lon[n] = at.lon;
          batch.numbers.get('seedRate')![n] = rate[i]! / row.rate.divisor!;
          batch.numbers.get('seedRateTarget')![n] = row.target?.divisor ? target[i]! / row.target.divisor : NaN;
          batch.numbers.get('sectionId')![n] = row.id;
          batch.numbers.get('width')![n] = row.width;
          batch.length = n + 1;
          if (batch.length === BATCH_SIZE) {
            // A full batch is handed on before the next row is added.
            batches.push(batch);
            batch = emptyBatch(BATCH_SIZE, keys);
          }
        });
        while (batches.length > 0) yield batches.shift()!;
      }
    }
  }
  if (batch.length > 0) yield batch;
}
