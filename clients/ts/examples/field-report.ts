/**
 * Example: upload machine-data zips for a grower and print what a farmer checks first — per
 * operation its type, dates, worked area and average rate or yield — with the typed client only.
 *
 *   node --import tsx clients/ts/examples/field-report.ts --url http://127.0.0.1:8080 \
 *     --username admin --password "$FURROW_PASSWORD" --grower "Grower One" card.zip [more.zip …]
 *
 * It creates the grower (a Leaf user) unless one of that name exists, uploads each zip, waits for
 * the batches, then reads every file's summary. Output: one tab-separated line per operation.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createFurrowClient, type FileEntry, type FurrowClient } from '../src/index.ts';

export interface ReportLine {
  fileId: string;
  operationType: string;
  startTime?: string;
  endTime?: string;
  /** Hectares, from the summary's totalArea. */
  areaHa?: number;
  /** The property a farmer reads for this type of work, its average and unit. */
  figure?: { property: string; avg: number; unit: string };
}

interface Stat {
  avg: number;
  unit: string;
}

/** What a farmer reads first for each kind of work. */
const HEADLINE: Record<string, string[]> = {
  harvested: ['wetMassPerArea', 'wetVolumePerArea', 'dryMassPerArea'],
  applied: ['appliedRate'],
  planted: ['seedRate'],
  tillage: ['tillageDepthActual'],
};

const TO_HECTARES: Record<string, number> = { m2: 1e-4, ha: 1, ac: 0.40468564224, ft2: 0.09290304e-4 };

async function growerId(client: FurrowClient, name: string): Promise<string> {
  const { data: users } = await client.GET('/services/usermanagement/api/users', { params: { query: { size: 100 } } });
  const found = users?.find((u) => u.name === name);
  if (found) return found.id;
  const { data, error } = await client.POST('/services/usermanagement/api/users', { body: { name } });
  if (!data) throw new Error(`could not create the grower ${name}: ${error?.detail ?? 'no answer'}`);
  return data.id;
}

async function waitForBatch(client: FurrowClient, id: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await client.GET('/services/operations/api/batch/{id}', { params: { path: { id } } });
    if (data?.status === 'PROCESSED') return;
    if (data?.status === 'FAILED') throw new Error(`batch ${id} failed: ${data.statusDetails ?? 'no reason given'}`);
    if (Date.now() > end) throw new Error(`batch ${id} still ${data?.status ?? 'unknown'} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function reportLine(entry: FileEntry, summary: Record<string, unknown>): ReportLine {
  const area = summary.totalArea as { value: number; unit: string } | undefined;
  const headline = (HEADLINE[entry.operationType ?? ''] ?? []).find((p) => summary[p] !== undefined);
  const stat = headline ? (summary[headline] as Stat) : undefined;
  return {
    fileId: entry.id,
    operationType: String(summary.operationType ?? entry.operationType),
    startTime: summary.startTime as string | undefined,
    endTime: summary.endTime as string | undefined,
    ...(area && TO_HECTARES[area.unit] !== undefined ? { areaHa: area.value * TO_HECTARES[area.unit]! } : {}),
    ...(headline && stat ? { figure: { property: headline, avg: stat.avg, unit: stat.unit } } : {}),
  };
}

/** Uploads the zips for the grower and returns one line per converted operation, in the order of the files list. */
export async function fieldReport(client: FurrowClient, grower: string, zips: readonly string[], timeoutMs = 300_000): Promise<ReportLine[]> {
  const leafUserId = await growerId(client, grower);
  const batches = [];
  for (const zip of zips) batches.push(await client.uploadBatch(new Blob([await readFile(zip)], { type: 'application/zip' }), basename(zip), leafUserId));
  for (const batch of batches) await waitForBatch(client, batch.id, timeoutMs);
  const lines: ReportLine[] = [];
  for (const batch of batches) {
    const { data } = await client.GET('/services/operations/api/files', { params: { query: { batchId: batch.id, size: 100 } } });
    for (const entry of data?.operations ?? []) {
      if (entry.status !== 'processed') continue;
      const { data: summary } = await client.GET('/services/operations/api/files/{id}/summary', { params: { path: { id: entry.id } } });
      lines.push(reportLine(entry, ((summary as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<string, unknown>));
    }
  }
  return lines;
}

function format(line: ReportLine): string {
  const figure = line.figure ? `${line.figure.property} ${line.figure.avg.toFixed(2)} ${line.figure.unit}` : '';
  return [line.fileId, line.operationType, line.startTime ?? '', line.endTime ?? '', line.areaHa === undefined ? '' : `${line.areaHa.toFixed(3)} ha`, figure].join('\t');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, grower: { type: 'string', default: 'Example grower' } },
  });
  if (!values.url || !values.username || !values.password || positionals.length === 0) {
    console.error('usage: field-report.ts --url URL --username NAME --password PASSWORD [--grower NAME] ZIP…');
    process.exitCode = 2;
    return;
  }
  const client = createFurrowClient({ baseUrl: values.url });
  await client.authenticate(values.username, values.password);
  for (const line of await fieldReport(client, values.grower!, positionals)) console.log(format(line));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
