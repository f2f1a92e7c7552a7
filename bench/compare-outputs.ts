/**
 * Checks that a change to the conversion leaves its outputs byte-identical: converts every shared
 * sample (and any extra input) with one checkout of Furrow, then compares two such snapshots file
 * by file.
 *
 *   node --import tsx bench/compare-outputs.ts snapshot <outDir> [--repo DIR] [--input PATH]... [--no-samples]
 *   node --import tsx bench/compare-outputs.ts compare <snapshotA> <snapshotB>
 *
 * `snapshot` runs `node <repo>/bin/furrow.mjs convert <input> -o <outDir>/<name>` for each input,
 * one child process at a time (`--repo`: the checkout to run, default this one; e.g. an extracted
 * `git archive` of the commit before the change, with a `node_modules` link). The inputs are the
 * sample folders two levels under the shared samples (`FURROW_SAMPLES`, as the tests find them):
 * `isoxml/cci-forage-harvester`, `jd-gen4/tillage-2016`, …; `--input` adds files or folders (the
 * 2 M-record bench zip), named after their path. It prints each input's wall and CPU time.
 *
 * `compare` walks both snapshots and prints every file that is only in one of them or differs
 * (with the first differing byte and the line around it); the exit code is 1 when any does. Zips
 * (images.zip) stamp each entry with the time it was written, so two zips whose bytes differ are
 * compared entry by entry: same names, same uncompressed bytes.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';

const REPO = resolve(import.meta.dirname, '..');
const SAMPLES = process.env.FURROW_SAMPLES ?? resolve(REPO, '../shared/samples');

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    repo: { type: 'string', default: REPO },
    input: { type: 'string', multiple: true, default: [] },
    'no-samples': { type: 'boolean', default: false },
  },
});

/** The sample folders: two levels under the samples root (`<family>/<sample>`). */
async function sampleInputs(): Promise<[name: string, path: string][]> {
  const inputs: [string, string][] = [];
  for (const family of (await readdir(SAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const entry of (await readdir(join(SAMPLES, family), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
      inputs.push([`${family}+${entry}`, join(SAMPLES, family, entry)]);
    }
  }
  return inputs;
}

async function snapshot(outDir: string): Promise<void> {
  const inputs = args['no-samples'] ? [] : await sampleInputs();
  for (const path of args.input) inputs.push([basename(resolve(path)).replace(/[^A-Za-z0-9._-]+/g, '_'), resolve(path)]);
  const cli = join(resolve(args.repo), 'bin/furrow.mjs');
  for (const [name, path] of inputs) {
    const out = join(outDir, name);
    await rm(out, { recursive: true, force: true });
    const started = performance.now();
    // GNU time is not assumed: the child's own CPU comes from a tiny wrapper around the CLI.
    const run = spawnSync(process.execPath, ['-e', CHILD, cli, path, out], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    const wall = (performance.now() - started) / 1000;
    const cpu = /furrow-cpu (\S+)/.exec(run.stderr)?.[1] ?? '?';
    console.log(`${name.padEnd(56)} exit ${run.status}  wall ${wall.toFixed(2)} s  cpu ${cpu} s`);
  }
}

/** Runs the CLI in this process and prints its user + system CPU on exit. */
const CHILD = `
const [cli, input, out] = process.argv.slice(1);
process.argv = [process.argv[0], cli, 'convert', input, '-o', out];
process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('furrow-cpu ' + ((u.user + u.system) / 1e6).toFixed(2) + '\\n'); });
import(require('node:url').pathToFileURL(cli).href);
`;

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(root, path));
    }
  };
  await walk(root);
  return out.sort();
}

/** Offset of the first differing byte of two files, or -1 when they are identical. Streams both: outputs reach gigabytes. */
async function firstDifference(a: string, b: string): Promise<number> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  const ra = createReadStream(a, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  const rb = createReadStream(b, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  let ca: Buffer = Buffer.alloc(0);
  let cb: Buffer = Buffer.alloc(0);
  let offset = 0;
  for (;;) {
    if (ca.length === 0) ca = ((await ra.next()).value as Buffer | undefined) ?? Buffer.alloc(0);
    if (cb.length === 0) cb = ((await rb.next()).value as Buffer | undefined) ?? Buffer.alloc(0);
    if (ca.length === 0 || cb.length === 0) return ca.length === cb.length && sa.size === sb.size ? -1 : offset;
    const n = Math.min(ca.length, cb.length);
    if (!ca.subarray(0, n).equals(cb.subarray(0, n))) {
      for (let i = 0; i < n; i++) if (ca[i] !== cb[i]) return offset + i;
    }
    offset += n;
    ca = ca.subarray(n);
    cb = cb.subarray(n);
  }
}

/** The text around `offset` of a file, for the report. */
async function around(path: string, offset: number): Promise<string> {
  const start = Math.max(0, offset - 80);
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start, end: offset + 80 })) chunks.push(chunk as Buffer);
  return JSON.stringify(Buffer.concat(chunks).toString('latin1'));
}

/** A zip's entries (name → uncompressed bytes). */
async function zipEntries(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))));
  const entries = new Map<string, Buffer>();
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
        stream.on('error', fail);
      });
    });
    zip.on('end', ok);
    zip.on('error', fail);
    zip.readEntry();
  });
  zip.close();
  return entries;
}

async function sameZipContents(a: string, b: string): Promise<boolean> {
  const [za, zb] = await Promise.all([zipEntries(a), zipEntries(b)]);
  if (za.size !== zb.size) return false;
  for (const [name, bytes] of za) if (!zb.get(name)?.equals(bytes)) return false;
  return true;
}

async function compare(a: string, b: string): Promise<number> {
  const [fa, fb] = await Promise.all([files(a), files(b)]);
  const inB = new Set(fb);
  const inA = new Set(fa);
  let problems = 0;
  let bytes = 0;
  for (const f of fa) {
    if (inB.has(f)) continue;
    problems++;
    console.log(`only in ${a}: ${f}`);
  }
  for (const f of fb) {
    if (inA.has(f)) continue;
    problems++;
    console.log(`only in ${b}: ${f}`);
  }
  for (const f of fa.filter((x) => inB.has(x))) {
    const at = await firstDifference(join(a, f), join(b, f));
    bytes += (await stat(join(a, f))).size;
    if (at < 0 || (f.endsWith('.zip') && (await sameZipContents(join(a, f), join(b, f))))) continue;
    problems++;
    console.log(`differs at byte ${at}: ${f}\n  ${await around(join(a, f), at)}\n  ${await around(join(b, f), at)}`);
  }
  console.log(`${fa.length} and ${fb.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB compared: ${problems === 0 ? 'identical' : `${problems} differences`}`);
  return problems === 0 ? 0 : 1;
}

const [command, ...rest] = positionals;
if (command === 'snapshot' && rest.length === 1) await snapshot(resolve(rest[0]!));
else if (command === 'compare' && rest.length === 2) process.exitCode = await compare(resolve(rest[0]!), resolve(rest[1]!));
else {
  console.error('usage: compare-outputs.ts snapshot <outDir> [--repo DIR] [--input PATH]... | compare <a> <b>');
  process.exitCode = 2;
}
