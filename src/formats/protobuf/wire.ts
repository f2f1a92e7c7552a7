/**
 * Schema-less Protocol Buffers wire-format reader. Closed formats (John Deere Gen4 `.jdl`,
 * Climate `.dat`) frame protobuf messages whose `.proto` is not public, so fields are read by
 * number and wire type only; what a field means is the driver's business. Hand-written because
 * it is ~100 lines and the hot loop of those decoders: the protobufjs Reader would add a
 * dependency without saving work, as its decoding is generated from a schema we do not have.
 */

export const WIRE = { varint: 0, i64: 1, len: 2, startGroup: 3, endGroup: 4, i32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

/** One field occurrence: its number, wire type and where its payload lies in the buffer. */
export interface WireField {
  field: number;
  wireType: WireType;
  /** Varint value (as a number; exact up to 2^53) for wire type 0. */
  varint: number;
  /** Payload bounds: for `len` the bytes of the value, for i32/i64 the 4/8 bytes, for varint the encoded bytes. */
  start: number;
  end: number;
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Reads a varint at `pos`; returns [value, next position]. Values past 2^53 lose precision, as any JS number. */
export function readVarint(buf: Uint8Array, pos: number, end = buf.length): [number, number] {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new WireError(`varint runs past the end of its message at byte ${pos}`);
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, pos];
    shift *= 128;
  }
  throw new WireError(`varint longer than 10 bytes at byte ${pos}`);
}

/** Decodes a zigzag-encoded (sint32/sint64) varint value. */
export function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/**
 * Iterates the fields of the message in `buf[start, end)`. Throws WireError on bytes that are not
 * a well-formed message (unknown wire type, field 0, lengths past the end): callers use that to
 * tell a sub-message from a string or packed array.
 */
export function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(buf, pos, end);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw new WireError(`field number 0 at byte ${pos}`);
    pos = afterKey;
    switch (wireType) {
      case WIRE.varint: {
        const [value, next] = readVarint(buf, pos, end);
        yield { field, wireType, varint: value, start: pos, end: next };
        pos = next;
        break;
      }
      case WIRE.i64:
      case WIRE.i32: {
        const size = wireType === WIRE.i64 ? 8 : 4;
        if (pos + size > end) throw new WireError(`fixed-size field ${field} runs past the end at byte ${pos}`);
        yield { field, wireType, varint: 0, start: pos, end: pos + size };
        pos += size;
        break;
      }
      case WIRE.len: {
        const [length, next] = readVarint(buf, pos, end);
        if (next + length > end) throw new WireError(`field ${field} declares ${length} bytes but only ${end - next} remain at byte ${pos}`);
        yield { field, wireType, varint: length, start: next, end: next + length };
        pos = next + length;
        break;
      }
      default:
        // Groups (3, 4) are deprecated and not used by the formats we read; 6 and 7 do not exist.
        throw new WireError(`unsupported wire type ${wireType} for field ${field} at byte ${pos}`);
    }
  }
}

/** True when `buf[start, end)` parses as a message with at least one field. */
export function isMessage(buf: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  try {
    for (const _ of fields(buf, start, end));
    return true;
  } catch (error) {
    if (error instanceof WireError) return false;
    throw error;
  }
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function float64At(buf: Uint8Array, pos: number): number {
  return view(buf).getFloat64(pos, true);
}

export function float32At(buf: Uint8Array, pos: number): number {
  return view(buf).getFloat32(pos, true);
}

export function fixed32At(buf: Uint8Array, pos: number): number {
  return view(buf).getUint32(pos, true);
}

/** fixed64 as a number (exact up to 2^53, enough for µs timestamps). */
export function fixed64At(buf: Uint8Array, pos: number): number {
  const v = view(buf);
  return v.getUint32(pos + 4, true) * 2 ** 32 + v.getUint32(pos, true);
}

/** Values of a packed repeated varint field. */
export function packedVarints(buf: Uint8Array, start: number, end: number): number[] {
  const values: number[] = [];
  let pos = start;
  while (pos < end) {
    const [value, next] = readVarint(buf, pos, end);
    values.push(value);
    pos = next;
  }
  return values;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as text when it is valid UTF-8 without control characters other than tab/newline; otherwise undefined. */
export function textOf(buf: Uint8Array, start: number, end: number): string | undefined {
  try {
    const text = UTF8.decode(buf.subarray(start, end));
    // eslint-disable-next-line no-control-regex -- control characters are what tell binary from text
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * The varint whose bytes are `buf[start, end)` read as a two's-complement int64 (protobuf `int64`).
 * Negative int64 values are 10-byte varints near 2^64, which a JS number cannot hold exactly, so
 * this decodes through BigInt; the result is exact for |value| < 2^53.
 */
export function int64At(buf: Uint8Array, start: number, end: number): number {
  let value = 0n;
  let shift = 0n;
  for (let pos = start; pos < end; pos++) {
    value |= BigInt(buf[pos]! & 0x7f) << shift;
    shift += 7n;
  }
  return Number(BigInt.asIntN(64, value));
}
