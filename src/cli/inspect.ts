import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { openArchive } from '../formats/archive.ts';
import { FieldStatsCollector, type PathStats } from '../formats/jd-gen4/field-stats.ts';
import { FrameError, readFrames } from '../formats/jd-gen4/frames.ts';
import { WireError } from '../formats/protobuf/wire.ts';

/**
 * `furrow inspect <file>`: dumps the frames of a John Deere Gen4 `.jdl` and, per protobuf field
 * path, the wire type, what the payload parses as, counts and value ranges. It is the instrument
 * used to decode Gen4 logs (src/formats/jd-gen4/FORMAT.md) and a support tool for files Furrow
 * cannot convert. `<file>` is a plain file or `archive.zip!/path/in/zip` (no extraction needed).
 */

export interface InspectOptions {
  json: boolean;
  /** Only collect field statistics of frames of these kinds (payload field 1); all when empty. */
  kinds: number[];
}

export interface FrameInfo {
  index: number;
  offset: number;
  length: number;
  kind?: number;
}

export interface InspectReport {
  file: string;
  bytes: number;
  frames: FrameInfo[];
  framesPerKind: Record<string, number>;
  paths: PathStats[];
  /** Why the walk stopped early (truncated frame, malformed message), when it did. */
  error?: string;
}

const WIRE_NAMES = ['varint', 'i64', 'len', 'sgroup', 'egroup', 'i32'];

interface Opened {
  stream: Readable;
  close(): Promise<void>;
}

async function openInput(input: string): Promise<Opened> {
  const bang = input.indexOf('!/');
  if (bang < 0) {
    await stat(input);
    return { stream: createReadStream(input), close: async () => {} };
  }
  const archive = await openArchive(input.slice(0, bang));
  const inner = input.slice(bang + 2);
  const entry = archive.entries.find((e) => e.path === inner || e.innerPath === inner);
  if (!entry) {
    await archive.close();
    throw new Error(`no entry '${inner}' in ${input.slice(0, bang)}`);
  }
  return { stream: await entry.open(), close: () => archive.close() };
}

/** Frame kind = payload field 1 when it is the first key, as in every sample. */
function kindOf(payload: Uint8Array): number | undefined {
  return payload.length >= 2 && payload[0] === 0x08 && payload[1]! < 0x80 ? payload[1] : undefined;
}

/** Walks the file frame by frame (one payload in memory at a time) and collects the report. */
export async function inspectFile(input: string, options: Pick<InspectOptions, 'kinds'>): Promise<InspectReport> {
  const opened = await openInput(input);
  const collector = new FieldStatsCollector();
  const report: InspectReport = { file: input, bytes: 0, frames: [], framesPerKind: {}, paths: [] };
  try {
    for await (const frame of readFrames(opened.stream)) {
      const payload = frame.payload!;
      const kind = kindOf(payload);
      report.frames.push(kind === undefined ? { index: frame.index, offset: frame.offset, length: frame.length } : { index: frame.index, offset: frame.offset, length: frame.length, kind });
      const kindKey = String(kind ?? '?');
      report.framesPerKind[kindKey] = (report.framesPerKind[kindKey] ?? 0) + 1;
      report.bytes = frame.offset + 5 + frame.length;
      if (options.kinds.length === 0 || (kind !== undefined && options.kinds.includes(kind))) collector.add(payload);
    }
  } catch (error) {
    if (!(error instanceof FrameError) && !(error instanceof WireError)) throw error;
    report.error = error.message;
  } finally {
    opened.stream.destroy();
    await opened.close();
  }
  report.paths = collector.result();
  return report;
}

function num(n: number | undefined): string {
  if (n === undefined) return '';
  return Number.isInteger(n) ? String(n) : n.toPrecision(10).replace(/\.?0+$/, '');
}

function formatText(report: InspectReport): string {
  const lines: string[] = [];
  const perKind = Object.entries(report.framesPerKind).map(([k, n]) => `kind ${k}: ${n}`).join(', ');
  lines.push(`${report.file}: ${report.frames.length} frames, ${report.bytes} bytes (${perKind})`);
  if (report.error) lines.push(`stopped: ${report.error}`);
  lines.push('', 'frame  offset      length  kind');
  for (const f of report.frames) lines.push(`${String(f.index).padStart(5)}  ${String(f.offset).padStart(10)}  ${String(f.length).padStart(6)}  ${f.kind ?? '?'}`);
  lines.push('', 'path  wire  kinds  count  range  [zigzag range]  elements  examples');
  for (const p of report.paths) {
    const kinds = Object.entries(p.kinds).map(([k, n]) => (n === p.count ? k : `${k}×${n}`)).join('|');
    const parts = [p.path, p.wireTypes.map((w) => WIRE_NAMES[w]).join('|'), kinds, `×${p.count}`];
    if (p.min !== undefined) parts.push(`${num(p.min)}..${num(p.max)}`);
    if (p.zigzagMin !== undefined) parts.push(`[zz ${num(p.zigzagMin)}..${num(p.zigzagMax)}]`);
    if (p.minElements !== undefined) parts.push(`n=${p.minElements === p.maxElements ? p.minElements : `${p.minElements}..${p.maxElements}`}`);
    if (p.examples) parts.push(p.examples.map((e) => JSON.stringify(e)).join(' '));
    lines.push(parts.join('  '));
  }
  return lines.join('\n') + '\n';
}

/** CLI entry: prints the report; returns 0 when the file parsed to its end, 1 when it stopped early, 2 when it cannot be opened. */
export async function runInspect(input: string, options: InspectOptions): Promise<number> {
  let report: InspectReport;
  try {
    report = await inspectFile(input, options);
  } catch (error) {
    console.error(`furrow: cannot inspect ${input}: ${(error as Error).message}`);
    return 2;
  }
  process.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : formatText(report));
  return report.error ? 1 : 0;
}
