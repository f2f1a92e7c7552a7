import type { ArchiveEntry } from '../types.ts';
import { WireError } from '../protobuf/wire.ts';
import { FRAME_KIND, parseSessionHeader, type SessionHeader } from './header.ts';
import { FrameError, readFrames } from './frames.ts';

/** What one `.jdl` file (one logging session) tells before its data chunks are decoded. */
export interface SessionFile {
  entry: ArchiveEntry;
  header: SessionHeader;
  frames: number;
  /** Frames per kind (payload field 1). */
  kinds: Map<number, number>;
}

/** The header sits in the first frames (kind 3 then kind 1 in every sample); look no further than this. */
const HEADER_SEARCH_FRAMES = 4;

/** Frame kind = payload field 1, always the first key (0x08) of a frame in the samples. */
function frameKind(payload: Uint8Array | undefined): number | undefined {
  if (!payload || payload.length < 2 || payload[0] !== 0x08 || payload[1]! >= 0x80) return undefined;
  return payload[1];
}

/**
 * Walks one `.jdl` to its end: parses the session header and counts frames per kind, keeping only
 * the first few payloads in memory. Throws FrameError / WireError with a readable message.
 */
export async function readSessionFile(entry: ArchiveEntry): Promise<SessionFile> {
  let header: SessionHeader | undefined;
  let frames = 0;
  const kinds = new Map<number, number>();
  // The kind of a skipped frame is unknown; only the first frames are kept, so count those.
  for await (const frame of readFrames(await entry.open(), (index) => index < HEADER_SEARCH_FRAMES || header === undefined)) {
    frames++;
    const kind = frameKind(frame.payload);
    if (kind !== undefined) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (!header && kind === FRAME_KIND.header && frame.payload) header = parseSessionHeader(frame.payload);
    if (!header && frame.index >= HEADER_SEARCH_FRAMES) throw new WireError(`no session header (frame kind 1) among the first ${HEADER_SEARCH_FRAMES} frames`);
  }
  if (!header) throw new FrameError(frames === 0 ? 'the file is empty' : 'no session header (frame kind 1)');
  return { entry, header, frames, kinds };
}
