import { crc32 } from 'node:zlib';
import { deflatedZeros, rawZip, type RawEntry } from '../helpers/raw-zip.ts';
import type { Base } from './bases.ts';
import type { PlainEntry } from './zip-entries.ts';
import type { Rng } from './rng.ts';

/** One way of making a hostile input out of a base; `detail` says exactly what was done, to reproduce a finding by eye. */
export interface Mutation {
  kind: string;
  applies?(base: Base): boolean;
  make(rng: Rng, base: Base): { bytes: Buffer; detail: string };
}

const XML = /\.xml$/i;
const DBF = /\.dbf$/i;
const SHP = /\.sh[px]$/i;
const PRJ = /\.prj$/i;
const JSON_NAME = /\.(geo)?json$/i;
const TLG_XML = /TLG\d+\.XML$/i;
const TLG_BIN = /TLG\d+\.BIN$/i;

function has(base: Base, pattern: RegExp): boolean {
  return base.entries.some((e) => pattern.test(e.name));
}

/** Index of an entry (matching `pattern` when given, non-empty when possible). */
function pickIndex(rng: Rng, entries: readonly PlainEntry[], pattern?: RegExp): number {
  const candidates = entries.map((e, i) => ({ e, i })).filter(({ e }) => (!pattern || pattern.test(e.name)) && e.data.length > 0);
  const pool = candidates.length > 0 ? candidates : entries.map((e, i) => ({ e, i }));
  return rng.pick(pool).i;
}

function withEntry(entries: readonly PlainEntry[], index: number, data: Buffer): RawEntry[] {
  return entries.map((e, i) => ({ name: e.name, data: i === index ? data : e.data }));
}

function flipBits(rng: Rng, data: Buffer, flips: number): Buffer {
  const out = Buffer.from(data);
  if (out.length === 0) return out;
  for (let i = 0; i < flips; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
  return out;
}

function siblingName(name: string, file: string): string {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? file : `${name.slice(0, slash + 1)}${file}`;
}

function replaceText(rng: Rng, base: Base, pattern: RegExp, variants: readonly ((text: string) => { text: string | Buffer; what: string })[]): { bytes: Buffer; detail: string } {
  const index = pickIndex(rng, base.entries, pattern);
  const entry = base.entries[index]!;
  const made = rng.pick(variants)(entry.data.toString('latin1'));
  const data = typeof made.text === 'string' ? Buffer.from(made.text, 'latin1') : made.text;
  return { bytes: rawZip(withEntry(base.entries, index, data)), detail: `${entry.name}: ${made.what}` };
}

/** Writes `value` as a 32-bit integer (LE or BE) at `offset` of a copy of `data`. */
function poke32(data: Buffer, offset: number, value: number, bigEndian = false): Buffer {
  const out = Buffer.from(data);
  if (offset + 4 > out.length) return out;
  if (bigEndian) out.writeUInt32BE(value >>> 0, offset);
  else out.writeUInt32LE(value >>> 0, offset);
  return out;
}

function poke16(data: Buffer, offset: number, value: number): Buffer {
  const out = Buffer.from(data);
  if (offset + 2 <= out.length) out.writeUInt16LE(value & 0xffff, offset);
  return out;
}

const ABSURD = [1_000_000_000, 0xffffffff, 0x7fffffff, 0x80000000];

/** Bytes each binary TLG record carries before its DLV count, from the PTN attributes written empty in the header. */
function tlgPrefixBytes(header: string): number {
  const ptn = /<PTN\b([^>]*)>/.exec(header)?.[1] ?? '';
  const sizes: Record<string, number> = { A: 4, B: 4, C: 4, D: 1, E: 2, F: 2, G: 1, H: 4, I: 2 };
  let bytes = 6; // TIM A: milliseconds (4) and days (2)
  for (const [letter, size] of Object.entries(sizes)) if (new RegExp(`\\b${letter}=""`).test(ptn)) bytes += size;
  return bytes;
}

const BILLION_LAUGHS =
  '<?xml version="1.0"?>\n<!DOCTYPE ISO11783_TaskData [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('\n') +
  '\n]>\n';

const FEATURE = '{"type":"Feature","properties":{"Rate":1},"geometry":{"type":"Point","coordinates":[-93.1,42.1]}}';

export const MUTATIONS: readonly Mutation[] = [
  {
    kind: 'truncate-zip',
    make(rng, base) {
      const cut = rng.int(base.zip.length);
      return { bytes: base.zip.subarray(0, cut), detail: `zip cut to ${cut} of ${base.zip.length} bytes` };
    },
  },
  {
    kind: 'truncate-entry',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      const cut = rng.int(entry.data.length);
      return { bytes: rawZip(withEntry(base.entries, index, entry.data.subarray(0, cut))), detail: `${entry.name} cut to ${cut} of ${entry.data.length} bytes (sizes and CRC true)` };
    },
  },
  {
    kind: 'bitflip-zip',
    make(rng, base) {
      const flips = rng.between(1, 16);
      return { bytes: flipBits(rng, base.zip, flips), detail: `${flips} bits flipped anywhere in the zip` };
    },
  },
  {
    kind: 'bitflip-entry',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const flips = rng.between(1, 64);
      const entry = base.entries[index]!;
      return { bytes: rawZip(withEntry(base.entries, index, flipBits(rng, entry.data, flips))), detail: `${flips} bits flipped in ${entry.name} (CRC recomputed, so the reader sees them)` };
    },
  },
  {
    kind: 'garbage-span',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      const data = Buffer.from(entry.data);
      const start = rng.int(Math.max(1, data.length));
      const length = Math.min(data.length - start, rng.between(1, 4096));
      const fill = rng.pick(['random', 'ff', '00'] as const);
      const span = fill === 'random' ? rng.bytes(Math.max(0, length)) : Buffer.alloc(Math.max(0, length), fill === 'ff' ? 0xff : 0);
      span.copy(data, start);
      return { bytes: rawZip(withEntry(base.entries, index, data)), detail: `${entry.name}: ${length} bytes at ${start} overwritten (${fill})` };
    },
  },
  {
    kind: 'lying-size',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      if (rng.int(3) === 0) {
        const mebibytes = rng.pick([16, 64, 256]);
        const entries: RawEntry[] = base.entries.map((e, i) => (i === index ? { name: e.name, packed: deflatedZeros(mebibytes), declaredSize: 300, declaredCrc: crc32(Buffer.alloc(300)) } : { name: e.name, data: e.data }));
        return { bytes: rawZip(entries), detail: `${entry.name} declared as 300 bytes, inflates to ${mebibytes} MiB of zeros` };
      }
      const declared = rng.int(Math.max(1, entry.data.length));
      const entries: RawEntry[] = base.entries.map((e, i) => ({ name: e.name, data: e.data, method: i === index && rng.int(2) === 0 ? 0 : 8, declaredSize: i === index ? declared : undefined }));
      return { bytes: rawZip(entries), detail: `${entry.name} declared as ${declared} bytes, really ${entry.data.length}` };
    },
  },
  {
    kind: 'bad-crc',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      const entries: RawEntry[] = base.entries.map((e, i) => ({ name: e.name, data: e.data, method: rng.int(2) === 0 ? 0 : 8, declaredCrc: i === index ? (crc32(e.data) ^ (1 << rng.int(32))) >>> 0 : undefined }));
      return { bytes: rawZip(entries), detail: `${entry.name} declares a CRC-32 one bit off` };
    },
  },
  {
    kind: 'duplicate-entry',
    make(rng, base) {
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      const copies = rng.between(1, 3);
      const altered = rng.int(2) === 0;
      const extra = Array.from({ length: copies }, () => ({ name: entry.name, data: altered ? flipBits(rng, entry.data, 8) : entry.data }));
      return { bytes: rawZip([...base.entries, ...extra]), detail: `${entry.name} appears ${copies + 1} times${altered ? ' with different bytes' : ''}` };
    },
  },
  {
    kind: 'overlapping-entries',
    make(rng, base) {
      const count = rng.pick([1, 5, 50, 300]);
      const sameName = rng.int(2) === 0;
      const aliases = Array.from({ length: count }, (_, n) => {
        const target = pickIndex(rng, base.entries);
        const name = base.entries[target]!.name;
        return { name: sameName ? name : `copy${n}/${name}`, target };
      });
      return { bytes: rawZip(base.entries, { aliases }), detail: `${count} directory records pointing at other entries' bytes${sameName ? ' under the same names' : ' in copy folders'}` };
    },
  },
  {
    kind: 'zero-byte',
    make(rng, base) {
      if (rng.int(3) === 0) return { bytes: rawZip(base.entries.map((e) => ({ name: e.name, data: Buffer.alloc(0) }))), detail: 'every entry empty' };
      const index = pickIndex(rng, base.entries);
      return { bytes: rawZip(withEntry(base.entries, index, Buffer.alloc(0))), detail: `${base.entries[index]!.name} empty` };
    },
  },
  {
    kind: 'bad-xml',
    applies: (base) => has(base, XML),
    make: (rng, base) =>
      replaceText(rng, base, XML, [
        (t) => {
          const cut = rng.int(t.length);
          return { text: t.slice(0, cut), what: `cut at character ${cut} (unclosed)` };
        },
        (t) => ({ text: BILLION_LAUGHS + t.replace(/^<\?xml[^>]*>\s*/, '').replace(/(<[A-Za-z0-9_]+\b)/, '$1 Z="&j;"'), what: 'billion-laughs entity expansion in the root element' }),
        (t) => ({ text: '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + t.replace(/^<\?xml[^>]*>\s*/, '').replace(/(<[A-Za-z0-9_]+\b)/, '$1 Z="&x;"'), what: 'external entity (XXE) in the root element' }),
        (t) => {
          const size = rng.pick([1, 4, 16]) << 20;
          return { text: t.replace(/(<[A-Za-z0-9_]+\b)/, `$1 Z="${'A'.repeat(size)}"`), what: `${size >> 20} MiB attribute on the root element` };
        },
        (t) => {
          const depth = rng.pick([1_000, 100_000]);
          return { text: t.replace(/(<\/[A-Za-z0-9_]+>\s*)$/, `${'<X>'.repeat(depth)}${'</X>'.repeat(depth)}$1`), what: `${depth} nested elements before the root closes` };
        },
        (t) => ({ text: t.replace(/^<\?xml[^>]*>/, '<?xml version="1.0" encoding="UTF-16"?>'), what: 'declares UTF-16, is 8-bit' }),
        (t) => {
          const at = rng.int(t.length);
          return { text: Buffer.concat([Buffer.from(t.slice(0, at), 'latin1'), Buffer.from([0, 0xfe, 0xff, 0x3c, 0]), Buffer.from(t.slice(at), 'latin1')]), what: `NUL and stray bytes at character ${at}` };
        },
        (t) => ({ text: t.replace(/="[^"]*"/g, (m) => (rng.int(4) === 0 ? '="&#xFFFFFFFF;&bogus;"' : m)), what: 'a quarter of the attribute values hold invalid character and entity references' }),
      ]),
  },
  {
    kind: 'absurd-counts',
    make(rng, base) {
      if (has(base, TLG_XML) && rng.int(2) === 0) {
        if (rng.int(2) === 0) {
          return replaceText(rng, base, TLG_XML, [
            (t) => ({ text: t.replace(/<\/TIM>/, `${'<DLV A="0084" B="" C="DET-1"/>'.repeat(100_000)}</TIM>`), what: 'header declares 100,000 more logged values' }),
          ]);
        }
        const binIndex = pickIndex(rng, base.entries, TLG_BIN);
        const bin = base.entries[binIndex]!;
        const header = base.entries.find((e) => e.name.toUpperCase() === bin.name.toUpperCase().replace(/\.BIN$/, '.XML'))?.data.toString('latin1') ?? '';
        const at = tlgPrefixBytes(header);
        const data = Buffer.from(bin.data);
        if (at < data.length) data[at] = 255;
        return { bytes: rawZip(withEntry(base.entries, binIndex, data)), detail: `${bin.name}: first record declares 255 logged values (byte ${at})` };
      }
      if (has(base, DBF) && rng.int(2) === 0) {
        const index = pickIndex(rng, base.entries, DBF);
        const entry = base.entries[index]!;
        const value = rng.pick(ABSURD);
        const field = rng.pick([
          { at: 4, what: 'record count', data: poke32(entry.data, 4, value) },
          { at: 8, what: 'header length', data: poke16(entry.data, 8, 0xffff) },
          { at: 10, what: 'record length', data: poke16(entry.data, 10, rng.pick([0xffff, 1])) },
        ]);
        return { bytes: rawZip(withEntry(base.entries, index, field.data)), detail: `${entry.name}: absurd ${field.what} (${field.at === 4 ? value : 'byte ' + field.at})` };
      }
      const index = pickIndex(rng, base.entries);
      const entry = base.entries[index]!;
      const value = rng.pick(ABSURD);
      const offset = rng.int(Math.max(1, Math.min(256, entry.data.length - 4)));
      const bigEndian = rng.int(2) === 0;
      return { bytes: rawZip(withEntry(base.entries, index, poke32(entry.data, offset, value, bigEndian))), detail: `${entry.name}: ${value} written ${bigEndian ? 'BE' : 'LE'} at byte ${offset}` };
    },
  },
  {
    kind: 'bad-dbf-header',
    applies: (base) => has(base, DBF),
    make(rng, base) {
      const index = pickIndex(rng, base.entries, DBF);
      const entry = base.entries[index]!;
      const data = Buffer.from(entry.data);
      const headerLength = data.readUInt16LE(8);
      const damage = rng.pick(['version', 'terminator', 'field-length-0', 'field-length-255', 'field-type', 'header-short', 'random-header'] as const);
      if (damage === 'version') data[0] = rng.pick([0, 1, 0xff]);
      else if (damage === 'terminator' && headerLength - 1 < data.length) data[headerLength - 1] = 0x20;
      else if (damage === 'field-length-0') data[32 + 16] = 0;
      else if (damage === 'field-length-255') data[32 + 16] = 255;
      else if (damage === 'field-type') data[32 + 11] = rng.pick([0, 0x3f, 0xff]);
      else if (damage === 'header-short') data.writeUInt16LE(rng.pick([0, 1, 31, 33]), 8);
      else rng.bytes(32).copy(data, 0);
      return { bytes: rawZip(withEntry(base.entries, index, data)), detail: `${entry.name}: ${damage}` };
    },
  },
  {
    kind: 'bad-shp-header',
    applies: (base) => has(base, SHP),
    make(rng, base) {
      const index = pickIndex(rng, base.entries, SHP);
      const entry = base.entries[index]!;
      let data: Buffer = Buffer.from(entry.data);
      const damage = rng.pick(['file-code', 'file-length', 'shape-type', 'bbox-nan', 'record-length', 'record-number', 'random-header'] as const);
      if (damage === 'file-code') data = poke32(data, 0, rng.pick([0, 9993, 0xffffffff]), true);
      else if (damage === 'file-length') data = poke32(data, 24, rng.pick([0, 50, 0x7fffffff]), true);
      else if (damage === 'shape-type') data = poke32(data, 32, rng.pick([2, 9999, 0xffffffff]));
      else if (damage === 'bbox-nan') data.fill(0xff, 36, 68);
      else if (damage === 'record-length') data = poke32(data, 104, rng.pick([0, 0x7fffffff, 1]), true);
      else if (damage === 'record-number') data = poke32(data, 100, 0xffffffff, true);
      else rng.bytes(100).copy(data, 0);
      return { bytes: rawZip(withEntry(base.entries, index, data)), detail: `${entry.name}: ${damage}` };
    },
  },
  {
    kind: 'wrong-crs',
    applies: (base) => has(base, PRJ),
    make: (rng, base) =>
      replaceText(rng, base, PRJ, [
        () => ({ text: rng.bytes(rng.between(1, 2048)), what: 'random bytes' }),
        () => ({ text: '', what: 'empty' }),
        (t) => ({ text: t.slice(0, rng.int(t.length)), what: 'cut short (unbalanced brackets)' }),
        () => ({ text: 'PROJCS["WGS 84 / UTM zone 15N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-93],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]', what: 'a projected CRS (UTM 15N) for degree coordinates' }),
        () => ({ text: 'PROJCS["nonsense",GEOGCS["x",DATUM["y",SPHEROID["z",0,0]]],PROJECTION["No_Such_Projection"],UNIT["furlong",-1]]', what: 'unknown projection, zero spheroid, negative unit' }),
        () => ({ text: `GEOGCS[${'"a",'.repeat(200_000)}]`, what: 'a 800 kB WKT' }),
        () => ({ text: '['.repeat(100_000), what: '100,000 open brackets' }),
      ]),
  },
  {
    kind: 'bad-json',
    make(rng, base) {
      const variants: readonly ((t: string) => { text: string; what: string })[] = [
        (t) => ({ text: t.slice(0, rng.int(Math.max(1, t.length))), what: 'cut short' }),
        () => ({ text: '['.repeat(100_000), what: '100,000 open arrays' }),
        () => ({ text: `{"type":"FeatureCollection","features":[${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}]}`, what: '50,000 nested objects in features' }),
        () => ({ text: `{"type":"FeatureCollection","features":[${FEATURE.replace('"Rate":1', `"Rate":"${'9'.repeat(4 << 20)}"`)}]}`, what: 'a 4 MiB property value' }),
        () => ({ text: `{"type":"FeatureCollection","features":[${FEATURE.replace('[-93.1,42.1]', '["x",1e999]')},${FEATURE.replace('"Point"', '"Pointless"')},null,7,"str"]}`, what: 'features of wrong types and coordinates' }),
        () => ({ text: '\ufeff{"type":"FeatureCollection","features":{}}\u0000', what: 'BOM, features not an array, trailing NUL' }),
        () => ({ text: `{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"type":"FeatureCollection","features":[${FEATURE}]}`, what: 'prototype-pollution keys' }),
      ];
      if (has(base, JSON_NAME) && rng.int(2) === 0) return replaceText(rng, base, JSON_NAME, variants);
      const made = rng.pick(variants)(`{"type":"FeatureCollection","features":[${FEATURE}]}`);
      const folder = siblingName(base.entries[0]!.name, 'fuzz.geojson');
      return { bytes: rawZip([...base.entries, { name: folder, data: Buffer.from(made.text) }]), detail: `added ${folder}: ${made.what}` };
    },
  },
  {
    kind: 'nested-zip',
    make(rng, base) {
      const depth = rng.pick([1, 2, 3, 5, 10, 40]);
      let bytes = base.zip;
      const damaged = rng.int(3) === 0;
      if (damaged) bytes = bytes.subarray(0, rng.int(bytes.length));
      for (let level = 0; level < depth; level++) bytes = rawZip([{ name: `level${level}.zip`, data: bytes, method: rng.int(2) === 0 ? 0 : 8 }]);
      return { bytes, detail: `${damaged ? 'a truncated copy of the ' : ''}sample nested ${depth} zips deep` };
    },
  },
  {
    kind: 'hostile-names',
    make(rng, base) {
      const rename = rng.pick([
        (n: string) => `${'../'.repeat(rng.between(1, 8))}${n}`,
        (n: string) => `/tmp/furrow-fuzz/${n}`,
        (n: string) => `C:\\Windows\\${n.replace(/\//g, '\\')}`,
        (n: string) => `..\\..\\${n.replace(/\//g, '\\')}`,
        (n: string) => `a/./b/../../../${n}`,
        (n: string) => `${n}\u0000.txt`,
        (n: string) => `${'d/'.repeat(2000)}${n}`,
        () => '',
      ]);
      const all = rng.int(2) === 0;
      const index = pickIndex(rng, base.entries);
      const entries = base.entries.map((e, i) => ({ name: all || i === index ? rename(e.name) : e.name, data: e.data }));
      return { bytes: rawZip(entries), detail: `${all ? 'every entry' : base.entries[index]!.name} renamed, e.g. ${JSON.stringify(entries[index]!.name.slice(0, 80))}` };
    },
  },
  {
    kind: 'many-entries',
    make(rng, base) {
      const count = rng.pick([1_000, 5_000, 20_000]);
      const extra = Array.from({ length: count }, (_, n) => ({ name: `junk/${n % 97}/${n}.${rng.pick(['xml', 'bin', 'dbf', 'shp', 'dat', 'json', 'txt'])}`, data: n % 3 === 0 ? Buffer.alloc(0) : Buffer.from([n & 0xff]) }));
      return { bytes: rawZip([...base.entries, ...extra]), detail: `${count} tiny entries beside the sample` };
    },
  },
];
