import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { cleanupReasons } from '../../../src/convert/clean.ts';
import { Standardizer } from '../../../src/convert/standardize.ts';
import { TableWriter, type TableSummary } from '../../../src/convert/table/writer.ts';
import type { TableSchema } from '../../../src/convert/table/schema.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { detectDatasets } from '../../../src/formats/detect.ts';
import { DRIVERS } from '../../../src/formats/registry.ts';
import type { OperationSource } from '../../../src/formats/types.ts';

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Every operation of an input, as the drivers give them (the archive is closed by the caller). */
export async function operationsOf(input: string): Promise<{ sources: OperationSource[]; close: () => Promise<void> }> {
  const archive = await openArchive(input);
  const datasets = await detectDatasets(archive.entries, DRIVERS);
  const sources: OperationSource[] = [];
  for (const dataset of datasets) sources.push(...(await DRIVERS.find((d) => d.name === dataset.driver)!.read(dataset)));
  return { sources, close: () => archive.close() };
}

/** The `removedBy` of every line of an annotated.geojson written by the pipeline, in file order. */
export async function annotatedVerdicts(path: string): Promise<(string | null)[]> {
  const verdicts: (string | null)[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"type":"Feature"') && !line.startsWith(',{"type":"Feature"')) continue;
    const text = line.endsWith(',') ? line.slice(0, -1) : line;
    verdicts.push((JSON.parse(text.startsWith(',') ? text.slice(1) : text) as { properties: { removedBy: string | null } }).properties.removedBy);
  }
  return verdicts;
}

/**
 * Writes an operation's table from the same batches the pipeline reads, standardized and judged
 * by the same code (Standardizer, cleanupReasons); the filters' verdicts, which the pipeline keeps
 * to itself, are taken from its annotated.geojson (`outDir`), when it wrote one.
 */
export async function tableFromPipelineRun(source: OperationSource, outDir: string, tablePath: string): Promise<TableSummary> {
  const meta = source.meta;
  const standardizer = new Standardizer(meta, 'metric');
  const standardized = standardizer.missingRequired().length === 0;
  const constants = standardizer.constants();
  const schema: TableSchema = {
    raw: meta.columns,
    standard: standardized ? [...standardizer.units] : [],
    standardStrings: standardized ? standardizer.stringProperties() : [],
    constants: standardized ? constants : [],
    operationType: meta.operationType,
    reader: meta.reader,
  };
  const annotated = join(outDir, 'annotated.geojson');
  const verdicts = standardized && (await exists(annotated)) ? await annotatedVerdicts(annotated) : undefined;
  const writer = await TableWriter.open(tablePath, schema);
  let at = 0;
  for await (const raw of source.points()) {
    if (!standardized) {
      await writer.add({ raw });
      continue;
    }
    const std = standardizer.apply(raw);
    const cleanup = cleanupReasons(std, new Map(constants));
    await writer.add({ raw, std, cleanup, removedBy: verdicts?.slice(at, at + raw.length) });
    at += raw.length;
  }
  if (verdicts && at !== verdicts.length) throw new Error(`annotated.geojson has ${verdicts.length} features for ${at} points`);
  return writer.close();
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Where two byte strings first differ, with the text around it on both sides: for failure messages. */
export function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `byte ${i}: ${JSON.stringify(a.subarray(Math.max(0, i - 80), i + 80).toString())} vs ${JSON.stringify(b.subarray(Math.max(0, i - 80), i + 80).toString())}`;
}

export { readFile };
