import { fields, textOf, WIRE, type WireField } from '../protobuf/wire.ts';

/**
 * Field-path access to one protobuf message of a `.jdl` frame. Paths are field numbers from the
 * message root (`[5, 13, 1, 2]` = field 5, its field 13, ...), as FORMAT.md and `furrow inspect`
 * write them (`5.13.1.2`). The first occurrence wins unless the caller asks for all.
 */
export interface Range {
  start: number;
  end: number;
}

/** Every occurrence of `path` below `range`, following each repeated sub-message. */
export function findAll(buf: Uint8Array, range: Range, path: readonly number[]): WireField[] {
  const [head, ...rest] = path;
  if (head === undefined) return [];
  const out: WireField[] = [];
  for (const field of fields(buf, range.start, range.end)) {
    if (field.field !== head) continue;
    if (rest.length === 0) out.push(field);
    else if (field.wireType === WIRE.len) out.push(...findAll(buf, field, rest));
  }
  return out;
}

export function findFirst(buf: Uint8Array, range: Range, path: readonly number[]): WireField | undefined {
  return findAll(buf, range, path)[0];
}

export function varintAt(buf: Uint8Array, range: Range, path: readonly number[]): number | undefined {
  const field = findAll(buf, range, path).find((f) => f.wireType === WIRE.varint);
  return field?.varint;
}

/** Non-empty strings at `path`, in file order. */
export function stringsAt(buf: Uint8Array, range: Range, path: readonly number[]): string[] {
  const out: string[] = [];
  for (const field of findAll(buf, range, path)) {
    if (field.wireType !== WIRE.len) continue;
    const text = textOf(buf, field.start, field.end)?.trim();
    if (text) out.push(text);
  }
  return out;
}

export function stringAt(buf: Uint8Array, range: Range, path: readonly number[]): string | undefined {
  return stringsAt(buf, range, path)[0];
}
