import { fields, float64At, int64At, packedVarints, WIRE, WireError, zigzag, type WireField } from '../protobuf/wire.ts';

/**
 * Decodes one data frame (kind 2) of a Gen4 log into time series. Layout and evidence in FORMAT.md
 * ("Data chunks"): payload field 4 is the chunk; its field 9 lists the channel types (9.1), the
 * channel ids (9.2, packed, matching the header's channel declarations) and one block per channel
 * (9.3). Values are delta-coded: a base value and base time, then zigzag varint deltas.
 */

/** Channel block kinds (chunk field 9.1). */
export const CHANNEL_TYPE = { position: 1, swath: 2, numeric: 3, state: 4 } as const;

/** Positions of the receiver: times in epoch ms, WGS84 degrees. */
export interface PositionTrack {
  time: number[];
  lat: number[];
  lon: number[];
}

/** A numeric channel: times in epoch ms and raw values as logged (unit from the header declaration). */
export interface Series {
  time: number[];
  value: number[];
}

/** A state channel: one element per section (or one for the machine), valid from `time`. */
export interface StateSample {
  time: number;
  states: number[];
}

export interface DecodedChunk {
  index?: number;
  /** Chunk start (4.4), epoch ms. */
  start?: number;
  positions: PositionTrack;
  series: Map<number, Series>;
  states: Map<number, StateSample[]>;
}

/** Position values are degrees × 1e9 (FORMAT.md: matches the Operations Center export within 0.6 m). */
const NANO_DEGREES = 1e9;

function zigzags(buf: Uint8Array, f: WireField): number[] {
  return packedVarints(buf, f.start, f.end).map(zigzag);
}

function signed(buf: Uint8Array, f: WireField): number {
  return int64At(buf, f.start, f.end);
}

function decodePosition(buf: Uint8Array, block: WireField, sessionStart: number, into: PositionTrack): void {
  let lat = NaN;
  let lon = NaN;
  let t0: number | undefined;
  let dt: number[] = [];
  let dlat: number[] = [];
  let dlon: number[] = [];
  for (const f of fields(buf, block.start, block.end)) {
    if (f.field === 1 && f.wireType === WIRE.i64) lat = float64At(buf, f.start);
    else if (f.field === 2 && f.wireType === WIRE.i64) lon = float64At(buf, f.start);
    else if (f.field === 26 && f.wireType === WIRE.varint) t0 = signed(buf, f);
    else if (f.field === 10 && f.wireType === WIRE.len) dt = zigzags(buf, f);
    else if (f.field === 12 && f.wireType === WIRE.len) dlat = zigzags(buf, f);
    else if (f.field === 13 && f.wireType === WIRE.len) dlon = zigzags(buf, f);
  }
  if (t0 === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
  const n = Math.min(dt.length, dlat.length, dlon.length);
  let t = sessionStart + t0;
  for (let i = 0; i < n; i++) {
    // The base is the last fix of the previous chunk; each delta gives the next fix.
    t += dt[i]!;
    lat += dlat[i]!;
    lon += dlon[i]!;
    into.time.push(t);
    into.lat.push(lat / NANO_DEGREES);
    into.lon.push(lon / NANO_DEGREES);
  }
}

/**
 * Numeric block: `.1` the value in force when the chunk starts and `.12` when it was logged; then
 * each sample's time is the CHUNK start (4.4) plus the running sum of the `.2` deltas (not the base
 * time plus them; FORMAT.md, "Data chunks", time base: on the harvest and application runs the last
 * sample of every chunk then equals the base of the next chunk, 687 of 687 series).
 */
function decodeNumeric(buf: Uint8Array, block: WireField, sessionStart: number, chunkStart: number): Series | undefined {
  let value = NaN;
  let t0: number | undefined;
  let dt: number[] = [];
  let dv: number[] = [];
  for (const f of fields(buf, block.start, block.end)) {
    if (f.field === 1 && f.wireType === WIRE.i64) value = float64At(buf, f.start);
    else if (f.field === 12 && f.wireType === WIRE.varint) t0 = signed(buf, f);
    else if (f.field === 2 && f.wireType === WIRE.len) dt = zigzags(buf, f);
    else if (f.field === 3 && f.wireType === WIRE.len) dv = zigzags(buf, f);
  }
  if (t0 === undefined) return undefined;
  const series: Series = { time: [sessionStart + t0], value: [value] };
  let t = chunkStart;
  for (let i = 0; i < dt.length; i++) {
    t += dt[i]!;
    value += dv[i] ?? 0;
    series.time.push(t);
    series.value.push(value);
  }
  return series;
}

/** `.1` of a state message: one byte per element. */
function stateBytes(buf: Uint8Array, message: WireField): number[] | undefined {
  for (const g of fields(buf, message.start, message.end)) if (g.field === 1 && g.wireType === WIRE.len) return [...buf.subarray(g.start, g.end)];
  return undefined;
}

/**
 * State block: `.3` the state in force at the chunk start and `.12` since when; `.1` zigzag time
 * deltas from the chunk start and `.2` (repeated) the state from each of those times on. Evidence:
 * the next chunk's `.3`/`.12` equal the last change of the previous one (FORMAT.md).
 */
function decodeState(buf: Uint8Array, block: WireField, sessionStart: number, chunkStart: number): StateSample[] {
  let t0: number | undefined;
  let base: number[] | undefined;
  let deltas: number[] = [];
  const changes: number[][] = [];
  for (const f of fields(buf, block.start, block.end)) {
    if (f.field === 12 && f.wireType === WIRE.varint) t0 = signed(buf, f);
    else if (f.wireType !== WIRE.len) continue;
    else if (f.field === 3) base = stateBytes(buf, f);
    else if (f.field === 1) deltas = zigzags(buf, f);
    else if (f.field === 2) changes.push(stateBytes(buf, f) ?? []);
  }
  const out: StateSample[] = [];
  if (t0 !== undefined && base) out.push({ time: sessionStart + t0, states: base });
  let t = chunkStart;
  for (let i = 0; i < Math.min(deltas.length, changes.length); i++) {
    t += deltas[i]!;
    out.push({ time: t, states: changes[i]! });
  }
  return out;
}

/** Decodes a kind-2 frame payload; `sessionStart` is the header's start time (epoch ms). Throws WireError on malformed bytes. */
export function decodeDataFrame(payload: Uint8Array, sessionStart: number): DecodedChunk {
  const chunk: DecodedChunk = { positions: { time: [], lat: [], lon: [] }, series: new Map(), states: new Map() };
  for (const top of fields(payload, 0, payload.length)) {
    if (top.field !== 4 || top.wireType !== WIRE.len) continue;
    for (const f of fields(payload, top.start, top.end)) {
      if (f.field === 3 && f.wireType === WIRE.varint) chunk.index = f.varint;
      if (f.field === 4 && f.wireType === WIRE.varint) chunk.start = sessionStart + signed(payload, f);
      if (f.field !== 9 || f.wireType !== WIRE.len) continue;
      // 4.4 precedes 4.9 in every sample; without it no sample time can be placed.
      if (chunk.start === undefined) throw new WireError('data chunk without its start time (4.4) before its channels');
      const chunkStart = chunk.start;
      const types: number[] = [];
      let ids: number[] = [];
      const blocks: WireField[] = [];
      for (const g of fields(payload, f.start, f.end)) {
        if (g.field === 1 && g.wireType === WIRE.varint) types.push(g.varint);
        else if (g.field === 2 && g.wireType === WIRE.len) ids = packedVarints(payload, g.start, g.end);
        else if (g.field === 3 && g.wireType === WIRE.len) blocks.push(g);
      }
      blocks.forEach((block, i) => {
        const id = ids[i];
        if (id === undefined) return;
        switch (types[i]) {
          case CHANNEL_TYPE.position:
            decodePosition(payload, block, sessionStart, chunk.positions);
            break;
          case CHANNEL_TYPE.numeric: {
            const series = decodeNumeric(payload, block, sessionStart, chunkStart);
            if (series) chunk.series.set(id, series);
            break;
          }
          case CHANNEL_TYPE.state: {
            const states = decodeState(payload, block, sessionStart, chunkStart);
            if (states.length > 0) chunk.states.set(id, states);
            break;
          }
          default:
          // Type 2 (swath edges) is not needed for points; FORMAT.md describes what is known of it.
        }
      });
    }
  }
  return chunk;
}
