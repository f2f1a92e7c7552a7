/**
 * Summarises a V8 heap snapshot: self size and count per node type and constructor (all strings
 * of one kind together), largest first, plus the largest single strings.
 *
 *   node --import tsx bench/heapsnapshot-top.ts <file.heapsnapshot> [--top 25]
 *
 * (Snapshots come from bench/mem-sampler.ts, `node --heapsnapshot-signal`, or v8.writeHeapSnapshot.)
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface SnapshotMeta {
  meta: { node_fields: string[]; node_types: [string[], ...unknown[]] };
  node_count: number;
}

/**
 * Snapshots of a large heap are bigger than the longest string V8 can make, so the file is read
 * as bytes: the small head with JSON.parse, the node numbers and the string table by hand.
 */
async function readSnapshot(file: string): Promise<{ meta: SnapshotMeta; nodes: Float64Array; strings: string[] }> {
  const buf = await readFile(file);
  const nodesAt = buf.indexOf('"nodes":[');
  const head = buf.toString('utf8', 0, nodesAt).trim().replace(/,$/, '');
  const meta = (JSON.parse(head + '}') as { snapshot: SnapshotMeta }).snapshot;
  const nodes = new Float64Array(meta.node_count * meta.meta.node_fields.length);
  let p = nodesAt + '"nodes":['.length;
  let n = 0;
  let value = 0;
  let inNumber = false;
  for (; buf[p] !== 0x5d; p++) {
    const c = buf[p];
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      inNumber = true;
    } else if (inNumber) {
      nodes[n++] = value;
      value = 0;
      inNumber = false;
    }
  }
  if (inNumber) nodes[n++] = value;
  const strings: string[] = [];
  p = buf.lastIndexOf('"strings":[') + '"strings":['.length;
  while (p < buf.length) {
    while (p < buf.length && buf[p] !== 0x22 && buf[p] !== 0x5d) p++;
    if (p >= buf.length || buf[p] === 0x5d) break;
    let q = p + 1;
    while (buf[q] !== 0x22) q += buf[q] === 0x5c ? 2 : 1;
    strings.push(JSON.parse(buf.toString('utf8', p, q + 1)) as string);
    p = q + 1;
  }
  return { meta, nodes, strings };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (file === undefined) {
    console.error('usage: node --import tsx bench/heapsnapshot-top.ts <file.heapsnapshot> [--top N]');
    process.exitCode = 2;
    return;
  }
  const snap = await readSnapshot(file);
  const fields = snap.meta.meta.node_fields;
  const types = snap.meta.meta.node_types[0];
  const width = fields.length;
  const TYPE = fields.indexOf('type');
  const NAME = fields.indexOf('name');
  const SIZE = fields.indexOf('self_size');
  const groups = new Map<string, { size: number; count: number }>();
  const bigStrings: { size: number; text: string }[] = [];
  let total = 0;
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + TYPE]] ?? '?';
    const size = nodes[i + SIZE];
    total += size;
    const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
    const key = isString ? `(${type})` : `${type}: ${snap.strings[nodes[i + NAME]]?.slice(0, 60)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { size: 0, count: 0 }));
    g.size += size;
    g.count++;
    if (isString && size > 1 << 20) bigStrings.push({ size, text: snap.strings[nodes[i + NAME]]?.slice(0, 100) ?? '' });
  }
  const mib = (n: number) => (n / 1048576).toFixed(1);
  console.log(`${file}: ${mib(total)} MiB in ${(nodes.length / width).toLocaleString('en-US')} nodes (self sizes; typed-array and Buffer contents are outside the V8 heap and appear only as their small JS objects)`);
  console.log(`${'MiB'.padStart(8)} ${'count'.padStart(10)}  type: name`);
  for (const [key, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, Number(values.top))) {
    console.log(`${mib(g.size).padStart(8)} ${g.count.toLocaleString('en-US').padStart(10)}  ${key}`);
  }
  bigStrings.sort((a, b) => b.size - a.size);
  if (bigStrings.length > 0) console.log(`\nstrings over 1 MiB: ${bigStrings.length}, ${mib(bigStrings.reduce((s, b) => s + b.size, 0))} MiB in all; largest:`);
  for (const s of bigStrings.slice(0, 8)) console.log(`${mib(s.size).padStart(8)}  ${JSON.stringify(s.text)}`);
}

await main();
