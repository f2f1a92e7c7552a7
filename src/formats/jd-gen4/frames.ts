import type { Readable } from 'node:stream';

/**
 * Gen4 `.jdl` framing (formats.md §2.2): the file is a chain of frames `[0x0D][uint32 LE length]
 * [protobuf message]` that ends exactly at end of file. This module walks that chain from a stream
 * (archive entries give no random access) and hands out only the payloads the caller asks for, so
 * a detection pass over a large log buffers 5 bytes at a time.
 */

export const FRAME_MARKER = 0x0d;
const HEADER_SIZE = 5;
/** Larger than any frame seen (the biggest session header is ~170 KB); guards memory on garbage lengths. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface Frame {
  index: number;
  /** Byte offset of the frame marker in the file. */
  offset: number;
  length: number;
  /** The protobuf message, when `keep` asked for it. */
  payload?: Uint8Array;
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * Yields every frame of the stream in order; throws FrameError when a frame does not start with
 * the marker or the last frame runs past end of file. `keep(index, length)` says which payloads to
 * collect; the others are skipped without buffering.
 */
export async function* readFrames(stream: Readable, keep: (index: number, length: number) => boolean = () => true): AsyncGenerator<Frame> {
  const header = new Uint8Array(HEADER_SIZE);
  let headerFill = 0;
  let index = 0;
  let offset = 0; // file offset of the current frame
  let payload: Uint8Array | undefined;
  let length = 0;
  let remaining = -1; // payload bytes still expected; -1 while reading a header
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let pos = 0;
    while (pos < chunk.length) {
      if (remaining < 0) {
        const take = Math.min(HEADER_SIZE - headerFill, chunk.length - pos);
        header.set(chunk.subarray(pos, pos + take), headerFill);
        headerFill += take;
        pos += take;
        if (headerFill < HEADER_SIZE) break;
        if (header[0] !== FRAME_MARKER) {
          throw new FrameError(`frame ${index} at byte ${offset} starts with 0x${header[0]!.toString(16).padStart(2, '0')}, not 0x0d`);
        }
        length = header[1]! | (header[2]! << 8) | (header[3]! << 16) | (header[4]! * 2 ** 24);
        const wanted = keep(index, length);
        if (wanted && length > MAX_FRAME_BYTES) throw new FrameError(`frame ${index} at byte ${offset} declares ${length} bytes, more than any plausible frame`);
        payload = wanted ? new Uint8Array(length) : undefined;
        remaining = length;
      }
      const take = Math.min(remaining, chunk.length - pos);
      if (payload) payload.set(chunk.subarray(pos, pos + take), length - remaining);
      remaining -= take;
      pos += take;
      if (remaining === 0) {
        yield payload ? { index, offset, length, payload } : { index, offset, length };
        offset += HEADER_SIZE + length;
        index++;
        headerFill = 0;
        remaining = -1;
        payload = undefined;
      }
    }
  }
  if (remaining > 0 || headerFill > 0) {
    throw new FrameError(`file ends inside frame ${index} (starting at byte ${offset}): the log is truncated`);
  }
}

/** Summary of a frame chain walked without keeping payloads. */
export interface ChainCheck {
  ok: boolean;
  frames: number;
  bytes: number;
  /** Why the chain is broken, when it is. */
  problem?: string;
}

/** Walks the frame headers to end of stream: the Gen4 signature is a chain that ends exactly at EOF. */
export async function checkFrameChain(stream: Readable): Promise<ChainCheck> {
  let frames = 0;
  let bytes = 0;
  try {
    for await (const frame of readFrames(stream, () => false)) {
      frames++;
      bytes = frame.offset + HEADER_SIZE + frame.length;
    }
  } catch (error) {
    if (error instanceof FrameError) return { ok: false, frames, bytes, problem: error.message };
    throw error;
  } finally {
    stream.destroy();
  }
  if (frames === 0) return { ok: false, frames, bytes, problem: 'the file is empty' };
  return { ok: true, frames, bytes };
}

/** Reads the first byte of a stream (cheap sniff before walking the chain). */
export async function firstByte(stream: Readable): Promise<number | undefined> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk.length > 0) return chunk[0];
    }
    return undefined;
  } finally {
    stream.destroy();
  }
}
