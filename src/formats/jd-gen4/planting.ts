import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../model/batch.ts';
import { converter, unit as unitDef } from '../../model/units.ts';
import type { ColumnSpec } from '../types.ts';
import { decodeDataFrame } from './chunk.ts';
import { readFrames } from './frames.ts';
import { FRAME_KIND, type ChannelDecl } from './header.ts';
import { StepState, StepValues } from './points.ts';
import { gen4UnitOf } from './units.ts';
import { plantingRows, towedGeometry, type Row } from './rows.ts';
import type { SessionFile } from './session.ts';
import { lateralOf, TowedPoint, WORKING_POINT_DELAY_S } from './working-point.ts';

/**
 * Planting points as the Operations Center export makes them: one point per row and second while
 * that row is on (its element of the row state channels is 1), at the row's place on the towed
 * planter, with the row's logged seeding rate (FORMAT.md, "Planting").
 */

/** A row channel's value in the plan's column unit: logged / divisor, converted from the row's declared unit. */
type RowValue = (logged: number) => number;

/** How the rows' rate channels become columns; see `plantingPlan`. */
export interface PlantingPlan {
  columns: ColumnSpec[];
  warnings: string[];
  /** Columns of the rate and target (standard, or raw when their unit is unknown); undefined when no row logs one. */
  rateKey?: string;
  targetKey?: string;
  /** By row id: the row's rate and target from their logged values, in the columns' units. */
  rate: Map<number, RowValue>;
  target: Map<number, RowValue>;
}

const NO_VALUE: RowValue = () => NaN;
const RATE_DIMENSIONS = ['countPerArea', 'massPerArea'] as const;

/**
 * The column unit of a row channel kind (DDI 12 actual, DDI 11 target): the first row's declared
 * unit, every row converted to it; undefined with the reason when a row's unit is not one Furrow
 * knows, differs in kind from the others or has no divisor.
 */
function rowUnits(rows: readonly Row[], pick: (row: Row) => ChannelDecl | undefined): { unit?: string; values: Map<number, RowValue>; problem?: string } {
  const values = new Map<number, RowValue>();
  let unit: string | undefined;
  for (const row of rows) {
    const decl = pick(row);
    if (!decl) continue;
    const declared = gen4UnitOf(decl.unit, RATE_DIMENSIONS);
    if (!declared) return { values, problem: `declared in "${decl.unit ?? '(no unit)'}", which is not a seed rate unit Furrow knows` };
    if (decl.divisor === undefined) return { values, problem: `declared without a divisor, so the scale of its logged integers is unknown` };
    unit ??= declared;
    if (unitDef(declared).dimension !== unitDef(unit).dimension) return { values, problem: `declared in both ${unit} and ${declared}` };
    const toColumn = converter(declared, unit);
    const divisor = decl.divisor;
    values.set(row.id, (logged) => toColumn(logged / divisor));
  }
  return unit ? { unit, values } : { values };
}

/** The same rows read as logged ÷ divisor (or as logged without one), for a raw column. */
function rawValues(rows: readonly Row[], pick: (row: Row) => ChannelDecl | undefined): Map<number, RowValue> {
  const values = new Map<number, RowValue>();
  for (const row of rows) {
    const divisor = pick(row)?.divisor ?? 1;
    if (pick(row)) values.set(row.id, (logged) => logged / divisor);
  }
  return values;
}

/**
 * Why a planting run cannot be converted, or its columns: the rows' seeding rates in their
 * declared unit (seeds/ac on the sample; seeds/m², seeds/ha, kg/ha, lb/ac are read the same way).
 * A rate whose unit Furrow does not know is kept as logged ÷ divisor in a raw column with a
 * warning: the run is still converted, only without a standard seedRate.
 */
export function plantingPlan(sessions: readonly SessionFile[]): PlantingPlan | string {
  for (const session of sessions) {
    if (plantingRows(session.header).length === 0) return 'a session header declares no planter rows with a DDI 12 seeding-rate channel and a row state';
    if (!towedGeometry(session.header)) return 'a session header gives no hitch geometry (tractor and planter connectors) to place the rows';
  }
  // Row ids and channels are those of the first session: the rows of one planter run.
  const rows = plantingRows(sessions[0]!.header);
  const warnings: string[] = [];
  const columns: ColumnSpec[] = [];
  const plan = (what: string, ddi: number, standard: 'seedRate' | 'seedRateTarget', pick: (row: Row) => ChannelDecl | undefined): { key?: string; values: Map<number, RowValue> } => {
    const first = rows.map(pick).find((d) => d !== undefined);
    if (!first) return { values: new Map() };
    const units = rowUnits(rows, pick);
    if (units.unit) {
      columns.push({ key: standard, label: `${what} of the row (DDI ${ddi}), declared in ${first.unit}`, kind: 'number', unit: units.unit, standard });
      return { key: standard, values: units.values };
    }
    const key = `${standard}Logged`;
    warnings.push(`${what} of the rows (DDI ${ddi}) is ${units.problem}: its values are kept as logged ÷ divisor in the raw column ${key}, and no ${standard} is derived from them`);
    columns.push({ key, label: `${what} of the row (DDI ${ddi}) as logged ÷ divisor, declared in ${first.unit ?? '(no unit)'}, not a unit Furrow knows`, kind: 'number' });
    return { key, values: rawValues(rows, pick) };
  };
  const rate = plan('Actual seeding rate', 12, 'seedRate', (r) => r.rate);
  const target = plan('Target seeding rate', 11, 'seedRateTarget', (r) => r.target);
  columns.push(
    { key: 'sectionId', label: 'Row (element id, as in the Operations Center export)', kind: 'number', standard: 'sectionId' },
    { key: 'width', label: 'Row width', kind: 'number', unit: 'm', standard: 'equipmentWidth' },
    { key: 'workingWidth', label: 'Working width of the row: its width, since a row that is off logs no point', kind: 'number', unit: 'm', standard: 'workingWidth' },
  );
  return { columns, warnings, ...(rate.key ? { rateKey: rate.key } : {}), ...(target.key ? { targetKey: target.key } : {}), rate: rate.values, target: target.values };
}

/** Streams the row points of the sessions in time order, with the columns of `plan`. */
export async function* runRowPoints(sessions: readonly SessionFile[], plan: PlantingPlan): AsyncGenerator<PointBatch> {
  const keys = plan.columns.map((c) => c.key);
  const { rateKey, targetKey } = plan;
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
          if (rateKey) batch.numbers.get(rateKey)![n] = (plan.rate.get(row.id) ?? NO_VALUE)(rate[i]!);
          if (targetKey) batch.numbers.get(targetKey)![n] = (plan.target.get(row.id) ?? NO_VALUE)(target[i]!);
          batch.numbers.get('sectionId')![n] = row.id;
          batch.numbers.get('width')![n] = row.width;
          batch.numbers.get('workingWidth')![n] = row.width;
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
