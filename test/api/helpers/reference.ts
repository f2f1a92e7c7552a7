import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput, type ConversionReport } from '../../../src/convert-input.ts';
import { sample } from '../../helpers/samples.ts';

/** The ISOXML sample the API tests upload (read in place). */
export const SAMPLE_ZIP = sample('isoxml', 'kverneland-spreader', 'single-dpd.zip');

export interface DirectConversion {
  report: ConversionReport;
  /** An output file of the n-th operation, as `furrow convert` wrote it. */
  output(operation: number, name: string): Promise<Buffer>;
  summary(operation: number): Promise<{ properties: { totalArea: { value: number; unit: string } } }>;
}

/** Converts the sample with `convertInput`, without the API, store or worker: the independent figures the API's answers are checked against. */
export async function convertDirectly(zip: string, outDir: string): Promise<DirectConversion> {
  const report = await convertInput(zip, outDir, { units: 'default' });
  const output = (n: number, name: string) => readFile(join(outDir, report.operations[n]!.dir, name));
  return {
    report,
    output,
    summary: async (n) => JSON.parse((await output(n, 'summary.json')).toString()) as { properties: { totalArea: { value: number; unit: string } } },
  };
}
