/**
 * Climate FieldView / Precision Planting 20|20 file names (formats.md §1): the display writes one
 * logging session as numbered files, `harvest_<session>_<crop>_<yyyy_mm_dd>_<seq>.dat` (seq 999 =
 * the session summary), `field_map_<yyyy_mm_dd>_<seq>.dat`, `liquid_map_<yyyy_mm_dd>_<seq>.dat`.
 */

export type ClimateKind = 'harvest' | 'field_map' | 'liquid_map';

export interface ClimateFileName {
  kind: ClimateKind;
  /** Files with the same session key form one operation, e.g. `harvest_1_Corn_2015_09_22`. */
  session: string;
  /** File sequence number within the session (999 = harvest session summary). */
  seq: number;
  /** The date in the name, `yyyy-mm-dd`. */
  date: string;
}

const HARVEST = /^(harvest_\d+_.+_(\d{4})_(\d{2})_(\d{2}))_(\d{3})\.dat$/i;
const MAP = /^((field_map|liquid_map)_(\d{4})_(\d{2})_(\d{2}))_(\d{3})\.dat$/i;

/** Parses a base file name; undefined when it is not a Climate `.dat` name. */
export function parseClimateName(baseName: string): ClimateFileName | undefined {
  const harvest = HARVEST.exec(baseName);
  if (harvest) {
    return { kind: 'harvest', session: harvest[1]!, seq: Number(harvest[5]), date: `${harvest[2]}-${harvest[3]}-${harvest[4]}` };
  }
  const map = MAP.exec(baseName);
  if (map) {
    return { kind: map[2]!.toLowerCase() as ClimateKind, session: map[1]!, seq: Number(map[6]), date: `${map[3]}-${map[4]}-${map[5]}` };
  }
  return undefined;
}

/** Session summary file of a harvest session: headers and totals only, no point records. */
export const SUMMARY_SEQ = 999;
