/**
 * Prints the fidelity table: every shared sample converted, and for each operation every total
 * the machine kept (its running counters, the totals the file states) beside Furrow's own figure
 * over the same points, as the summary's reconciliation block reports them. FIDELITY.md holds its
 * output.
 *
 *   node --import tsx bench/fidelity.ts [samplesDir]      (default ../shared/samples)
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { convertInput } from '../src/convert-input.ts';
import type { ReconciliationRow } from '../src/convert/reconcile.ts';

const samples = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'samples'));

/** The inputs a user would upload: each sample folder, or each zip inside it. */
async function inputs(): Promise<string[]> {
  const found: string[] = [];
  for (const family of (await readdir(samples)).sort()) {
    const familyDir = join(samples, family);
    if (!(await stat(familyDir)).isDirectory()) continue;
    for (const name of (await readdir(familyDir)).sort()) {
      const path = join(familyDir, name);
      if (!(await stat(path)).isDirectory()) continue;
      const zips = (await readdir(path)).filter((f) => f.toLowerCase().endsWith('.zip'));
      if (zips.length > 0) found.push(...zips.map((z) => join(path, z)));
      else found.push(path);
    }
  }
  return found;
}

const format = (figure: { value: number; unit: string } | null) => (figure ? `${Number(figure.value.toPrecision(7))} ${figure.unit}` : '—');

console.log('| sample | operation | total (where the machine\'s figure comes from) | machine | Furrow | difference |');
console.log('| --- | --- | --- | --- | --- | --- |');
let rows = 0;
let within = 0;
let compared = 0;
for (const input of await inputs()) {
  const out = await mkdtemp(join(tmpdir(), 'furrow-fidelity-'));
  try {
    const report = await convertInput(input, out, { units: 'default' });
    for (const op of report.operations) {
      let summary: { properties: { reconciliation?: ReconciliationRow[] } };
      try {
        summary = JSON.parse(await readFile(join(out, op.dir, 'summary.json'), 'utf8'));
      } catch {
        continue; // no summary: the operation failed (its reason is in the conversion report)
      }
      for (const row of summary.properties.reconciliation ?? []) {
        rows++;
        if (row.differencePercent !== null) {
          compared++;
          if (Math.abs(row.differencePercent) <= 3) within++;
        }
        const difference = row.differencePercent === null ? '—' : `${row.differencePercent > 0 ? '+' : ''}${row.differencePercent.toFixed(2)} %`;
        console.log(`| ${input.slice(samples.length + 1)} | ${op.dir.split('/').at(-1)} | ${row.quantity}: ${row.source} | ${format(row.machine)} | ${format(row.furrow)} | ${difference} |`);
      }
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
console.log(`\n${rows} totals; ${compared} with a Furrow figure to compare, ${within} of them within 3 %.`);
