import { fields, float64At, textOf, WIRE, type WireField } from '../../../src/formats/protobuf/wire.ts';

/*
 * Rewrites the channel declarations of a Gen4 `.jdl` file's session header, to make synthetic
 * cards from the samples (a card that declares another unit for the same logged integers). The
 * file is a chain of frames `[0x0D][uint32 LE length][protobuf]` (FORMAT.md, "Framing"); the
 * session header is the frame whose field 1 is 1, its channels at 5.10.2.7.5. Only the bytes of
 * the messages on that path are re-encoded; every other byte is copied.
 */

export interface ChannelFields {
  code?: number;
  unit?: string;
  divisor?: number;
}

/** Returns the new unit and divisor for a channel, or undefined to leave it as it is. */
export type ChannelEdit = (channel: ChannelFields) => { unit: string; divisor: number } | undefined;

const CHANNEL_PATH = [5, 10, 2, 7, 5];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function encodeField(f: WireField, payload: Uint8Array): Uint8Array {
  const key = varint(f.field * 8 + f.wireType);
  const length = f.wireType === WIRE.len ? varint(payload.length) : [];
  return Buffer.concat([Buffer.from(key), Buffer.from(length), payload]);
}

function rewriteAt(buf: Uint8Array, start: number, end: number, depth: number, edit: (message: Uint8Array) => Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields(buf, start, end)) {
    const payload = buf.subarray(f.start, f.end);
    if (f.field === CHANNEL_PATH[depth] && f.wireType === WIRE.len) {
      parts.push(encodeField(f, depth === CHANNEL_PATH.length - 1 ? edit(payload) : rewriteAt(buf, f.start, f.end, depth + 1, edit)));
    } else {
      parts.push(encodeField(f, payload));
    }
  }
  return Buffer.concat(parts);
}

function editChannel(channel: Uint8Array, edit: ChannelEdit): Uint8Array {
  const all = [...fields(channel)];
  const seen: ChannelFields = {};
  for (const f of all) {
    if (f.field === 2 && f.wireType === WIRE.varint) seen.code = f.varint;
    if (f.field === 5 && f.wireType === WIRE.len) seen.unit = textOf(channel, f.start, f.end);
    if (f.field === 4 && f.wireType === WIRE.i64) seen.divisor = float64At(channel, f.start);
  }
  const change = edit(seen);
  if (!change) return channel;
  const divisor = Buffer.alloc(8);
  divisor.writeDoubleLE(change.divisor);
  return Buffer.concat(
    all.map((f) => {
      if (f.field === 5 && f.wireType === WIRE.len) return encodeField(f, Buffer.from(change.unit, 'utf8'));
      if (f.field === 4 && f.wireType === WIRE.i64) return encodeField(f, divisor);
      return encodeField(f, channel.subarray(f.start, f.end));
    }),
  );
}

/** The file with its session header's channel declarations edited. */
export function rewriteChannels(file: Uint8Array, edit: ChannelEdit): Buffer {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < file.length) {
    const length = Buffer.from(file.buffer, file.byteOffset + pos + 1, 4).readUInt32LE(0);
    let payload: Uint8Array = file.subarray(pos + 5, pos + 5 + length);
    // Field 1 (the frame kind) is the first key of every frame: 0x08 0x01 = a session header.
    if (payload[0] === 0x08 && payload[1] === 0x01) payload = rewriteAt(payload, 0, payload.length, 0, (channel) => editChannel(channel, edit));
    const head = Buffer.alloc(5);
    head[0] = 0x0d;
    head.writeUInt32LE(payload.length, 1);
    frames.push(head, Buffer.from(payload));
    pos += 5 + length;
  }
  return Buffer.concat(frames);
}
