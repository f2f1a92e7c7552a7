/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and, for the hottest
 * functions, the share of their ticks per source line with the line's text. Line numbers are
 * those of the code V8 ran: tsx hands V8 its transformed code on a single line, so profile an
 * esbuild bundle instead (bench/profile-decode.sh does) to get readable lines.
 *
 *   node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top 25] [--lines 8] [--filter src/]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const j = url.indexOf('node_modules/');
  if (j >= 0) return url.slice(j);
  return url.replace(/^file:\/\//, '') || '(native)';
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, lines: { type: 'string', default: '8' }, filter: { type: 'string', default: '' } },
  });
  const file = positionals[0];
  if (file === undefined) {
    console.error('usage: node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top N] [--lines N] [--filter TEXT]');
    process.exitCode = 2;
    return;
  }
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Time per sample, so that idle and GC show up at their real weight.
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totalUs = profile.endTime - profile.startTime;

  interface Row {
    name: string;
    url: string;
    line: number;
    fileUrl: string;
    us: number;
    ticks: number;
    lines: Map<number, number>;
  }
  const rows = new Map<string, Row>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const key = `${f.functionName}|${f.url}|${f.lineNumber}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { name: f.functionName || '(anonymous)', url: shortUrl(f.url), fileUrl: f.url, line: f.lineNumber + 1, us: 0, ticks: 0, lines: new Map() }));
    row.us += us;
    for (const t of node.positionTicks ?? []) {
      row.lines.set(t.line, (row.lines.get(t.line) ?? 0) + t.ticks);
      row.ticks += t.ticks;
    }
  }
  const sorted = [...rows.values()].filter((r) => r.url.includes(values.filter)).sort((a, b) => b.us - a.us);
  console.log(`profile ${file}: ${(totalUs / 1000).toFixed(0)} ms wall, ${profile.samples.length} samples`);
  console.log(`${'self ms'.padStart(9)} ${'%'.padStart(6)}  function (file:line)`);
  for (const r of sorted.slice(0, Number(values.top))) {
    console.log(`${(r.us / 1000).toFixed(1).padStart(9)} ${((100 * r.us) / totalUs).toFixed(1).padStart(6)}  ${r.name} (${r.url}:${r.line})`);
  }
  const withLines = sorted.filter((r) => r.lines.size > 1 && r.fileUrl.startsWith('file:')).slice(0, Number(values.lines));
  const sources = new Map<string, string[]>();
  for (const r of withLines) {
    if (!sources.has(r.fileUrl)) sources.set(r.fileUrl, await readFile(new URL(r.fileUrl), 'utf8').then((t) => t.split('\n'), () => []));
    const text = sources.get(r.fileUrl)!;
    console.log(`\n${r.name} (${r.url}:${r.line}), self ${(r.us / 1000).toFixed(1)} ms; share of its ticks per line:`);
    for (const [line, ticks] of [...r.lines].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${String(line).padStart(5)} ${((100 * ticks) / r.ticks).toFixed(1).padStart(5)} %  ${(text[line - 1] ?? '').trim().slice(0, 130)}`);
    }
  }
}

await main();
