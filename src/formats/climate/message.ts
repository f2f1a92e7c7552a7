import { fields, float32At, float64At, textOf, WIRE, type WireField } from '../protobuf/wire.ts';

/**
 * A decoded protobuf message without a schema: its fields grouped by number, with typed getters
 * that return undefined when a field is absent or has another wire type than expected. The Climate
 * messages are small (a few hundred bytes per record), so grouping them costs little and keeps the
 * decoders readable: `record.sub(10)?.f64(7)` reads "field 7 of sub-message 10 as a double".
 */
export class Message {
  private readonly byNumber = new Map<number, WireField[]>();

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    for (const field of fields(buf, start, end)) {
      const list = this.byNumber.get(field.field);
      if (list) list.push(field);
      else this.byNumber.set(field.field, [field]);
    }
  }

  has(n: number): boolean {
    return this.byNumber.has(n);
  }

  all(n: number): readonly WireField[] {
    return this.byNumber.get(n) ?? [];
  }

  private first(n: number, wireType: number): WireField | undefined {
    return this.byNumber.get(n)?.find((f) => f.wireType === wireType);
  }

  varint(n: number): number | undefined {
    return this.first(n, WIRE.varint)?.varint;
  }

  /** All varint values of a repeated (unpacked) varint field. */
  varints(n: number): number[] {
    return this.all(n)
      .filter((f) => f.wireType === WIRE.varint)
      .map((f) => f.varint);
  }

  f64(n: number): number | undefined {
    const f = this.first(n, WIRE.i64);
    return f ? float64At(this.buf, f.start) : undefined;
  }

  f32(n: number): number | undefined {
    const f = this.first(n, WIRE.i32);
    return f ? float32At(this.buf, f.start) : undefined;
  }

  str(n: number): string | undefined {
    const f = this.first(n, WIRE.len);
    return f ? textOf(this.buf, f.start, f.end) : undefined;
  }

  /** The first occurrence of field n parsed as a sub-message; undefined when absent. Throws WireError when it is not a message. */
  sub(n: number): Message | undefined {
    const f = this.first(n, WIRE.len);
    return f ? new Message(this.buf, f.start, f.end) : undefined;
  }

  subs(n: number): Message[] {
    return this.all(n)
      .filter((f) => f.wireType === WIRE.len)
      .map((f) => new Message(this.buf, f.start, f.end));
  }
}

/** A trimmed non-empty string, or undefined: the headers leave unused names empty. */
export function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** NaN for an absent value, so that a missing field never reads as zero. */
export function orNaN(value: number | undefined): number {
  return value ?? NaN;
}
