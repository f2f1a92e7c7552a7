/**
 * Thrift's compact protocol, the encoding of Parquet's page headers and file footer: just the
 * types Parquet uses (bool, i16/i32/i64, binary, list, struct). A struct is written from a list
 * of fields and read back as a map from field id to value, which the Parquet modules name.
 */

const STOP = 0;
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** One field of a struct to write; an undefined value leaves the field out (optional fields). */
export type ThriftField =
  | [id: number, kind: 'bool', value: boolean | undefined]
  | [id: number, kind: 'i32' | 'i64', value: number | undefined]
  | [id: number, kind: 'binary', value: string | Uint8Array | undefined]
  | [id: number, kind: 'struct', value: ThriftField[] | undefined]
  | [id: number, kind: 'list<struct>', value: ThriftField[][] | undefined]
  | [id: number, kind: 'list<i32>', value: number[] | undefined]
  | [id: number, kind: 'list<binary>', value: string[] | undefined];

const FIELD_TYPE = { bool: TRUE, i32: I32, i64: I64, binary: BINARY, struct: STRUCT, 'list<struct>': LIST, 'list<i32>': LIST, 'list<binary>': LIST } as const;

/** Grows as it is written; `bytes()` is the encoded message. */
export class ThriftWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  struct(fields: readonly ThriftField[]): this {
    let last = 0;
    for (const field of fields) {
      const [id, kind, value] = field;
      if (value === undefined) continue;
      const type = kind === 'bool' ? (value ? TRUE : FALSE) : FIELD_TYPE[kind];
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.varint(zigzag(id));
      }
      last = id;
      switch (field[1]) {
        case 'bool':
          break;
        case 'i32':
        case 'i64':
          this.varint(zigzag(field[2]!));
          break;
        case 'binary':
          this.binary(field[2]!);
          break;
        case 'struct':
          this.struct(field[2]!);
          break;
        case 'list<struct>':
          this.listHeader(field[2]!.length, STRUCT);
          for (const item of field[2]!) this.struct(item);
          break;
        case 'list<i32>':
          this.listHeader(field[2]!.length, I32);
          for (const item of field[2]!) this.varint(zigzag(item));
          break;
        case 'list<binary>':
          this.listHeader(field[2]!.length, BINARY);
          for (const item of field[2]!) this.binary(item);
          break;
      }
    }
    this.byte(STOP);
    return this;
  }

  private listHeader(size: number, type: number): void {
    if (size < 15) this.byte((size << 4) | type);
    else {
      this.byte(0xf0 | type);
      this.varint(size);
    }
  }

  private binary(value: string | Uint8Array): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.varint(bytes.length);
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Unsigned LEB128 of a non-negative integer up to 2^53 (i64 values here are offsets and counts). */
  private varint(value: number): void {
    this.room(10);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  private byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** A decoded struct: field id → value (number, boolean, Uint8Array, ThriftStruct or an array of these). */
export type ThriftValue = number | boolean | Uint8Array | ThriftStruct | ThriftValue[];
export type ThriftStruct = Map<number, ThriftValue>;

/** Reads compact-protocol structs from a byte array; `offset` is where the next one starts. */
export class ThriftReader {
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }

  struct(): ThriftStruct {
    const result: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === STOP) return result;
      const delta = header >> 4;
      const id = delta === 0 ? unzigzag(this.varint()) : last + delta;
      last = id;
      result.set(id, this.value(type));
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case TRUE:
        return true;
      case FALSE:
        return false;
      case BYTE:
        return this.byte();
      case I16:
      case I32:
      case I64:
        return unzigzag(this.varint());
      case DOUBLE: {
        const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 8).getFloat64(0, true);
        this.offset += 8;
        return value;
      }
      case BINARY: {
        const length = this.varint();
        const value = this.bytes.subarray(this.offset, this.offset + length);
        if (value.length !== length) throw new Error('thrift: binary field runs past the end');
        this.offset += length;
        return value;
      }
      case LIST:
      case SET: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const elementType = header & 0x0f;
        const items: ThriftValue[] = [];
        // Booleans inside a list take a byte each: 1 true, anything else false.
        for (let i = 0; i < size; i++) items.push(elementType === TRUE || elementType === FALSE ? this.byte() === TRUE : this.value(elementType));
        return items;
      }
      case STRUCT:
        return this.struct();
      case MAP:
        throw new Error('thrift: maps do not occur in Parquet metadata');
      default:
        throw new Error(`thrift: unknown field type ${type}`);
    }
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new Error('thrift: message runs past the end');
    return this.bytes[this.offset++]!;
  }

  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }
}

function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
