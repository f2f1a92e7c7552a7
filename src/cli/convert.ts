import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportOperation, type ExportFormat } from './export-outputs.ts';
import { logView, terminalView } from './progress.ts';
import { convertInput, type ConvertInputSettings, type ConvertProgress } from '../convert-input.ts';

/** Converts one input and writes report.json; returns the exit code: 0 when an operation converted, 1 when none did, 2 when the input cannot be used. */
export async function runConvert(input: string, outDir: string, settings: ConvertInputSettings, format: ExportFormat = 'geojson'): Promise<number> {
  try {
    await stat(input);
  } catch {
    console.error(`furrow: input not found: ${input}`);
    return 2;
  }
  await mkdir(outDir, { recursive: true });
  // Without a terminal (logs, CI) lines instead of a bar: one per operation, and one now and then during a long one.
  const view = process.stderr.isTTY ? terminalView(process.stderr) : logView((line) => console.error(line));
  const progress: ConvertProgress = {
    start: (operations, bytes) => view.start(operations, bytes),
    update: (state) => view.update(state),
    operationDone: (op, result) => view.operationDone(op, result),
  };
  let report;
  try {
    report = await convertInput(input, outDir, settings, progress);
  } catch (error) {
    view.stop();
    const reason = (error as Error).message;
    await writeFile(join(outDir, 'report.json'), JSON.stringify({ operations: [], failures: [{ path: input, reason }] }, null, 2) + '\n');
    console.error(`furrow: ${reason}`);
    return 1;
  }
  view.stop();
  for (const operation of report.operations) {
    if (operation.status === 'processed') operation.warnings.push(...(await exportOperation(join(outDir, operation.dir), format)));
  }
  await writeFile(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  const converted = report.operations.filter((op) => op.status === 'processed').length;
  console.error(`${converted} of ${report.operations.length} operations converted, ${report.failures.length} failures; see ${join(outDir, 'report.json')}`);
  return converted > 0 ? 0 : 1;
}
