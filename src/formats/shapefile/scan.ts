import type { Readable } from 'node:stream';
import { DbfReader, textRange } from './dbf-reader.ts';
import type { TextDecodeFn } from './encoding.ts';
import type { DistinctValues } from './plan.ts';

/** More distinct values than this and a field is a measurement, not a label (product, variety, crop). */
const MAX_DISTINCT = 20;

export interface TableScan {
  distinct: DistinctValues;
  /** The first non-blank value of every field, to recognise what a field holds (ISO times...). */
  samples: ReadonlyMap<string, string>;
  /** Records read (deleted ones included). */
  records: number;
}

/**
 * One pass over a .dbf collecting the distinct values of each field while there are few of them:
 * the layer's varieties, products, crop ids and field name are needed before its points are read
 * (they are operation metadata), and only the table holds them. Memory stays bounded by
 * MAX_DISTINCT values per field.
 */
export async function scanTable(stream: Readable, fileName: string, decode: TextDecodeFn): Promise<TableScan> {
  const reader = await DbfReader.open(stream, fileName);
  const fields = reader.header.fields;
  const seen = fields.map(() => new Map<string, Buffer | null>());
  const open = fields.map(() => true);
  const samples = new Map<string, string>();
  let records = 0;
  try {
    for (;;) {
      const step = reader.nextBuffered() ?? (await reader.nextRecord());
      if (step === 'end') break;
      records++;
      if (step === 'deleted') continue;
      const buf = reader.bytes;
      const base = reader.offset;
      for (let i = 0; i < fields.length; i++) {
        if (!open[i]) continue;
        const field = fields[i]!;
        const [start, end] = textRange(buf, field, base);
        if (start === end) continue;
        const key = buf.toString('latin1', start, end);
        if (!samples.has(field.name)) samples.set(field.name, field.type === 'C' ? decode(buf.subarray(start, end)) : key);
        const values = seen[i]!;
        if (values.has(key)) continue;
        if (values.size >= MAX_DISTINCT) {
          open[i] = false;
          values.clear();
          continue;
        }
        values.set(key, field.type === 'C' ? Buffer.from(buf.subarray(start, end)) : null);
      }
    }
  } finally {
    await reader.close();
  }
  const distinct = new Map<string, string[]>();
  fields.forEach((field, i) => {
    if (!open[i]) return;
    distinct.set(
      field.name,
      [...seen[i]!].map(([latin1, bytes]) => (bytes ? decode(bytes) : latin1.trim())),
    );
  });
  return { distinct, samples, records };
}
