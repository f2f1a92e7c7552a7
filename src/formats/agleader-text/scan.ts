import type { Readable } from 'node:stream';
import { readLines } from './lines.ts';
import { parseLine, type RowProblem } from './row.ts';

/** What one pass over a file tells before its operations are listed. */
export interface FileScan {
  /** Data rows per grain type, in order of first appearance. */
  grainTypes: Map<string, GrainTypeScan>;
  problems: Map<RowProblem, { count: number; firstLine: number }>;
  lines: number;
}

export interface GrainTypeScan {
  rows: number;
  fields: Set<string>;
  loads: Set<string>;
  serials: Set<string>;
  varieties: Set<string>;
  firstTime: number;
  lastTime: number;
}

/** Distinct names kept per grain type: enough for metadata, bounded whatever the file holds. */
const MAX_NAMES = 50;

function addBounded(set: Set<string>, value: string): void {
  if (value !== '' && set.size < MAX_NAMES) set.add(value);
}

/**
 * Reads every line once to learn the grain types (one operation each), their field, load and
 * monitor names, and the lines that are not data rows, without keeping any row.
 */
export async function scanFile(stream: Readable): Promise<FileScan> {
  const scan: FileScan = { grainTypes: new Map(), problems: new Map(), lines: 0 };
  for await (const line of readLines(stream)) {
    scan.lines++;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      const seen = scan.problems.get(parsed.problem);
      if (seen) seen.count++;
      else scan.problems.set(parsed.problem, { count: 1, firstLine: scan.lines });
      continue;
    }
    const row = parsed.row;
    let g = scan.grainTypes.get(row.grainType);
    if (!g) {
      g = { rows: 0, fields: new Set(), loads: new Set(), serials: new Set(), varieties: new Set(), firstTime: NaN, lastTime: NaN };
      scan.grainTypes.set(row.grainType, g);
    }
    g.rows++;
    addBounded(g.fields, row.field);
    addBounded(g.loads, row.load);
    addBounded(g.serials, row.serial);
    addBounded(g.varieties, row.variety);
    if (Number.isNaN(g.firstTime)) g.firstTime = row.gpsTime;
    g.lastTime = row.gpsTime;
  }
  return scan;
}

const PROBLEM_TEXT: Record<RowProblem, string> = {
  'column count': 'do not have 15–17 comma-separated columns',
  position: 'have no plausible longitude/latitude (out of range, empty or 0/0 before a GPS fix)',
  number: 'have a non-numeric flow, time, interval, distance, swath or moisture',
};

/** One warning per kind of skipped line, with its count and the first line number. */
export function problemWarnings(file: string, scan: FileScan): string[] {
  return [...scan.problems].map(
    ([problem, { count, firstLine }]) => `${file}: ${count} line(s) ${PROBLEM_TEXT[problem]} and were skipped (first at line ${firstLine})`,
  );
}
