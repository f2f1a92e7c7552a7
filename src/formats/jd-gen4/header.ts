import { float64At, packedVarints, WIRE, WireError } from '../protobuf/wire.ts';
import { findAll, stringAt, stringsAt, varintAt, type Range } from './message.ts';

/**
 * The session header (frame kind 1) of a Gen4 log. Every field number used here and the evidence
 * for it is listed in FORMAT.md ("Session header"); anything not listed is left alone.
 */

/** Frame kinds (payload field 1), formats.md §2.2. */
export const FRAME_KIND = { header: 1, data: 2, version: 3, trailer: 4 } as const;

export interface DeviceInfo {
  name: string;
  serialNumber?: string;
  /** 5.10.2.2: 1 for the self-propelled machine, 2 for an implement (FORMAT.md). */
  role?: number;
  /** 5.10.2.6, metres: the working width (9.144 m = the harvest export's SWATHWIDTH 30 ft, 36.957 m = the sprayer's 121.25 ft). */
  width?: number;
  /** 5.10.2.11 (repeated): hitch / connection points, `.2.1` inline position (metres; millimetres in the file) and `.3` kind. */
  connectors: { inline: number; kind: number }[];
}

/** A logged channel as the header declares it (5.10.2.7.5). */
export interface ChannelDecl {
  id: number;
  /** 5.10.2.7.5.2: Deere's code for what the channel measures; unique within a header, stable across files. */
  code: number | undefined;
  /** ISO 11783-11 DDI, when the number is in the standard range (FORMAT.md, "Channel declarations"). */
  ddi: number | undefined;
  unit?: string;
  /** `.4`: logged value / divisor = value in `unit` (100 for DDI 2 in mm³/m², 0.1 for DDI 12 in seeds/ac, 1000 for km/h). */
  divisor?: number;
  /** `.3`: non-zero on a few proprietary channels (−1000, −2000, −32000); how it applies is not known. */
  offset?: number;
}

/**
 * Inline offsets (metres, + = ahead) that place the working point relative to the GNSS receiver
 * (FORMAT.md, "Working-point position"): working point = implement + section − receiver.
 */
export interface Geometry {
  /** 5.10.3.3.1, metres: the receiver's inline position (1.892 on the combine, 4.4704 on the sprayer). */
  receiverInline: number;
  /** 5.10.2.7.3.3.1 (millimetres in the file, metres here): the implement's inline offset (+3,924 header, −2,438.4 boom). */
  implementInline: number;
  /** 5.10.2.7.4.3.1 (millimetres in the file, metres here): the sections' inline offset (0 on the header, −2,438.4 on the boom). */
  sectionInline: number;
}

/** An implement element (5.10.2.7.4): a boom section, a planter row, or a group of them. */
export interface ElementDecl {
  id: number;
  /** `.2`, metres. */
  width?: number;
  /** `.3.2`, metres (millimetres in the file), lateral offset. */
  lateral?: number;
  /** `.7`: the state channel holding this element's on/off, and `.16` its index there. */
  stateChannel?: number;
  stateIndex?: number;
  /** `.10`: ids of the numeric channels logged for this element. */
  channels: number[];
}

export interface SessionHeader {
  sessionId?: string;
  /** Session start, epoch ms UTC (5.3). */
  startTime?: number;
  displaySerial?: string;
  softwareVersion?: string;
  /** 5.20.1.6, see OPERATION_KINDS. */
  operationKind?: number;
  client?: string;
  farm?: string;
  field?: string;
  crop?: string;
  varieties: string[];
  products: string[];
  devices: DeviceInfo[];
  channels: ChannelDecl[];
  /** State channels (5.10.2.7.6): id → number of elements (1 = machine work state, n = sections). */
  stateChannels: Map<number, number>;
  elements: ElementDecl[];
  geometry?: Geometry;
}

const P = {
  sessionId: [5, 2],
  startTime: [5, 3],
  displaySerial: [5, 5],
  device: [5, 10, 2],
  deviceRole: [2],
  deviceSerial: [4],
  deviceName: [5],
  deviceWidth: [6],
  channel: [7, 5],
  stateChannel: [7, 6],
  stateElements: [8],
  channelCode: [2],
  channelId: [1],
  channelUnit: [5],
  channelDdi: [7],
  channelOffset: [3],
  channelDivisor: [4],
  client: [5, 11, 1, 2],
  farm: [5, 12, 1, 2],
  field: [5, 13, 1, 2],
  operationKind: [5, 20, 1, 6],
  crop: [5, 21, 1, 2],
  variety: [5, 21, 2, 1, 1, 2],
  product: [5, 21, 4, 1, 1, 2],
  softwareVersion: [5, 24],
  receiverInline: [5, 10, 3, 3, 1],
  implementInline: [7, 3, 3, 1],
  sectionInline: [7, 4, 3, 1],
  connector: [11],
  connectorInline: [2, 1],
  connectorKind: [3],
  element: [7, 4],
  elementId: [1],
  elementWidth: [2],
  elementLateral: [3, 2],
  elementStateChannel: [7],
  elementStateIndex: [16],
  elementChannels: [10],
} as const;

function floatAt(buf: Uint8Array, range: Range, path: readonly number[]): number | undefined {
  const field = findAll(buf, range, path).find((f) => f.wireType === WIRE.i64);
  const value = field ? float64At(buf, field.start) : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** DDI values above this are proprietary (ISO 11783-11 reserves 57344–65534 for manufacturers). */
const LAST_STANDARD_DDI = 57343;

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Reads the header fields Furrow relies on from a kind-1 frame payload; throws WireError on malformed bytes. */
export function parseSessionHeader(payload: Uint8Array): SessionHeader {
  const root: Range = { start: 0, end: payload.length };
  if (varintAt(payload, root, [1]) !== FRAME_KIND.header) throw new WireError('frame is not a session header (field 1 is not 1)');
  const devices: DeviceInfo[] = [];
  const channels: ChannelDecl[] = [];
  const stateChannels = new Map<number, number>();
  const elements: ElementDecl[] = [];
  let implementOffsets: { implementInline: number; sectionInline: number } | undefined;
  for (const device of findAll(payload, root, P.device)) {
    const name = stringAt(payload, device, P.deviceName);
    const serialNumber = stringAt(payload, device, P.deviceSerial);
    const role = varintAt(payload, device, P.deviceRole);
    const width = floatAt(payload, device, P.deviceWidth);
    const implementInline = floatAt(payload, device, P.implementInline);
    if (implementInline !== undefined && implementOffsets === undefined) implementOffsets = { implementInline, sectionInline: floatAt(payload, device, P.sectionInline) ?? 0 };
    const connectors: DeviceInfo['connectors'] = [];
    for (const connector of findAll(payload, device, P.connector)) {
      const inline = floatAt(payload, connector, P.connectorInline);
      const kind = varintAt(payload, connector, P.connectorKind);
      if (inline !== undefined && kind !== undefined) connectors.push({ inline: inline / 1000, kind });
    }
    if (name || serialNumber) {
      devices.push({
        connectors,
        name: name ?? serialNumber ?? '',
        ...(serialNumber ? { serialNumber } : {}),
        ...(role !== undefined ? { role } : {}),
        ...(width !== undefined && width > 0 ? { width } : {}),
      });
    }
    for (const channel of findAll(payload, device, P.channel)) {
      const id = varintAt(payload, channel, P.channelId);
      if (id === undefined) continue;
      const ddi = varintAt(payload, channel, P.channelDdi);
      const unit = stringAt(payload, channel, P.channelUnit);
      const divisor = floatAt(payload, channel, P.channelDivisor);
      const offset = floatAt(payload, channel, P.channelOffset);
      channels.push({
        id,
        code: varintAt(payload, channel, P.channelCode),
        ddi: ddi !== undefined && ddi <= LAST_STANDARD_DDI ? ddi : undefined,
        ...(unit ? { unit } : {}),
        ...(divisor !== undefined && divisor !== 0 ? { divisor } : {}),
        ...(offset !== undefined ? { offset } : {}),
      });
    }
    for (const element of findAll(payload, device, P.element)) {
      const id = varintAt(payload, element, P.elementId);
      if (id === undefined) continue;
      const lateral = floatAt(payload, element, P.elementLateral);
      const stateChannel = varintAt(payload, element, P.elementStateChannel);
      const stateIndex = varintAt(payload, element, P.elementStateIndex);
      const width = floatAt(payload, element, P.elementWidth);
      // `.10` is packed varints in 139 of the DB60's 145 elements; the rest parse as messages and are skipped.
      const list = findAll(payload, element, P.elementChannels).find((f) => f.wireType === WIRE.len);
      let ids: number[] = [];
      if (list) {
        try {
          ids = packedVarints(payload, list.start, list.end);
        } catch {
          ids = [];
        }
      }
      elements.push({
        id,
        channels: ids,
        ...(width !== undefined ? { width } : {}),
        ...(lateral !== undefined ? { lateral: lateral / 1000 } : {}),
        ...(stateChannel !== undefined ? { stateChannel } : {}),
        ...(stateIndex !== undefined ? { stateIndex } : {}),
      });
    }
    for (const channel of findAll(payload, device, P.stateChannel)) {
      const id = varintAt(payload, channel, P.channelId);
      const elements = varintAt(payload, channel, P.stateElements);
      if (id !== undefined && elements !== undefined) stateChannels.set(id, elements);
    }
  }
  const header: SessionHeader = {
    varieties: unique(stringsAt(payload, root, P.variety)),
    products: unique(stringsAt(payload, root, P.product)),
    devices,
    channels,
    stateChannels,
    elements,
  };
  const receiverInline = floatAt(payload, root, P.receiverInline);
  if (receiverInline !== undefined && implementOffsets) {
    header.geometry = { receiverInline, implementInline: implementOffsets.implementInline / 1000, sectionInline: implementOffsets.sectionInline / 1000 };
  }
  const assign = <K extends keyof SessionHeader>(key: K, value: SessionHeader[K] | undefined): void => {
    if (value !== undefined) header[key] = value;
  };
  assign('sessionId', stringAt(payload, root, P.sessionId));
  assign('startTime', varintAt(payload, root, P.startTime));
  assign('displaySerial', stringAt(payload, root, P.displaySerial));
  assign('softwareVersion', stringAt(payload, root, P.softwareVersion));
  assign('operationKind', varintAt(payload, root, P.operationKind));
  assign('client', stringAt(payload, root, P.client));
  assign('farm', stringAt(payload, root, P.farm));
  assign('field', stringAt(payload, root, P.field));
  assign('crop', stringAt(payload, root, P.crop));
  return header;
}
