import type { OperationMeta, OperationSource } from '../formats/types.ts';
import type { StandardProperty } from '../model/properties.ts';

/*
 * A machine without a sensor often logs its value as a constant 0 (a forage harvester without a
 * moisture sensor logs moisture 0 throughout). Leaf's cleanup rule `harvestMoisture GT 0` would
 * then remove every point of the operation; such a property is treated as not logged instead.
 * Only properties that describe the crop beside the operation's own figure qualify: a yield or a
 * rate of 0 throughout is what the machine did (it stood still, it applied nothing), not a
 * missing sensor, and its rule stays.
 */
const OPTIONAL_SENSORS: readonly StandardProperty[] = ['harvestMoisture'];

export interface SensorSurvey {
  /** Standard properties whose source column is 0 at every point that has a value. */
  notFitted: StandardProperty[];
  warnings: string[];
}

/**
 * Reads the operation's points once to find the sensors that are not fitted; a no-op when it logs
 * none of the candidates. Points that cannot be read say nothing here: the conversion's own read
 * reports why.
 */
export async function surveySensors(source: OperationSource): Promise<SensorSurvey> {
  try {
    return await survey(source);
  } catch {
    return { notFitted: [], warnings: [] };
  }
}

async function survey(source: OperationSource): Promise<SensorSurvey> {
  const candidates = source.meta.columns.filter((c) => c.kind === 'number' && c.standard && OPTIONAL_SENSORS.includes(c.standard));
  if (candidates.length === 0) return { notFitted: [], warnings: [] };
  const zeros = new Map(candidates.map((c) => [c.key, 0]));
  const others = new Set<string>();
  for await (const batch of source.points()) {
    for (const c of candidates) {
      if (others.has(c.key)) continue;
      const values = batch.numbers.get(c.key);
      if (!values) continue;
      let count = 0;
      for (let i = 0; i < batch.length; i++) {
        const v = values[i]!;
        if (Number.isNaN(v)) continue;
        if (v !== 0) {
          others.add(c.key);
          break;
        }
        count++;
      }
      zeros.set(c.key, zeros.get(c.key)! + count);
    }
    if (others.size === candidates.length) break;
  }
  const notFitted = candidates.filter((c) => !others.has(c.key) && zeros.get(c.key)! > 0);
  return {
    notFitted: notFitted.map((c) => c.standard!),
    warnings: notFitted.map(
      (c) => `${c.standard} (${c.label}) is 0 at all ${zeros.get(c.key)} points that log it: the sensor is taken as not fitted, so ${c.standard} is left out instead of removing every point by Leaf's cleanup rule`,
    ),
  };
}

/** The operation's metadata with these properties no longer fed by any column (the columns stay in the raw output). */
export function withoutProperties(meta: OperationMeta, properties: readonly StandardProperty[]): OperationMeta {
  if (properties.length === 0) return meta;
  return { ...meta, columns: meta.columns.map((c) => (c.standard && properties.includes(c.standard) ? { ...c, standard: undefined } : c)) };
}
