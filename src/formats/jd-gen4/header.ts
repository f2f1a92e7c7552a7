import { WireError } from '../protobuf/wire.ts';
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
}

/** A logged channel as the header declares it (5.10.2.7.5). */
export interface ChannelDecl {
  id: number;
  /** 5.10.2.7.5.2: Deere's code for what the channel measures; unique within a header, stable across files. */
  code: number | undefined;
  /** ISO 11783-11 DDI, when the number is in the standard range (FORMAT.md, "Channel declarations"). */
  ddi: number | undefined;
  unit?: string;
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
}

const P = {
  sessionId: [5, 2],
  startTime: [5, 3],
  displaySerial: [5, 5],
  device: [5, 10, 2],
  deviceRole: [2],
  deviceSerial: [4],
  deviceName: [5],
  channel: [7, 5],
  stateChannel: [7, 6],
  stateElements: [8],
  channelCode: [2],
  channelId: [1],
  channelUnit: [5],
  channelDdi: [7],
  client: [5, 11, 1, 2],
  farm: [5, 12, 1, 2],
  field: [5, 13, 1, 2],
  operationKind: [5, 20, 1, 6],
  crop: [5, 21, 1, 2],
  variety: [5, 21, 2, 1, 1, 2],
  product: [5, 21, 4, 1, 1, 2],
  softwareVersion: [5, 24],
} as const;

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
  for (const device of findAll(payload, root, P.device)) {
    const name = stringAt(payload, device, P.deviceName);
    const serialNumber = stringAt(payload, device, P.deviceSerial);
    const role = varintAt(payload, device, P.deviceRole);
    if (name || serialNumber) devices.push({ name: name ?? serialNumber ?? '', ...(serialNumber ? { serialNumber } : {}), ...(role !== undefined ? { role } : {}) });
    for (const channel of findAll(payload, device, P.channel)) {
      const id = varintAt(payload, channel, P.channelId);
      if (id === undefined) continue;
      const ddi = varintAt(payload, channel, P.channelDdi);
      const unit = stringAt(payload, channel, P.channelUnit);
      channels.push({ id, code: varintAt(payload, channel, P.channelCode), ddi: ddi !== undefined && ddi <= LAST_STANDARD_DDI ? ddi : undefined, ...(unit ? { unit } : {}) });
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
  };
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
