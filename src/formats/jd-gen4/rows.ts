import type { ChannelDecl, SessionHeader } from './header.ts';

/**
 * The planter rows of a Gen4 session header (FORMAT.md, "Planting"). The DB60 declares three
 * elements per row at the same lateral offset; between them they carry the row's seeding channels
 * (DDI 12 actual and DDI 11 setpoint count per area) and its place in a state channel. The export's
 * SECTIONID of a row is the highest element id of its group (48 of 48 rows on the sample).
 */

export interface Row {
  /** The row's id in the output (`sectionId`), as the export numbers it. */
  id: number;
  /** Metres, + = right of the direction of travel. */
  lateral: number;
  /** Metres. */
  width: number;
  rate: ChannelDecl;
  target?: ChannelDecl;
  stateChannel: number;
  stateIndex: number;
}

const DDI_ACTUAL_COUNT_PER_AREA = 12;
const DDI_SETPOINT_COUNT_PER_AREA = 11;

/** Rows of the header; empty when it declares no element group with a DDI 12 channel and a state. */
export function plantingRows(header: SessionHeader): Row[] {
  const declById = new Map(header.channels.map((c) => [c.id, c]));
  const implementWidth = Math.max(0, ...header.devices.map((d) => d.width ?? 0));
  const groups = new Map<number, typeof header.elements>();
  for (const element of header.elements) {
    // The element spanning the whole implement is not a row.
    if (element.lateral === undefined || element.width === undefined || element.width >= implementWidth) continue;
    const key = Math.round(element.lateral * 1000);
    const group = groups.get(key);
    if (group) group.push(element);
    else groups.set(key, [element]);
  }
  const rows: Row[] = [];
  for (const group of groups.values()) {
    const channels = group.flatMap((e) => e.channels.map((id) => declById.get(id)).filter((d): d is ChannelDecl => d !== undefined));
    const rate = channels.find((c) => c.ddi === DDI_ACTUAL_COUNT_PER_AREA);
    const target = channels.find((c) => c.ddi === DDI_SETPOINT_COUNT_PER_AREA);
    // The state most of the group's elements point to: on the DB60 two of three share one, the third
    // points to a state channel that stays off all run.
    const votes = new Map<string, number>();
    for (const e of group) if (e.stateChannel !== undefined && e.stateIndex !== undefined) votes.set(`${e.stateChannel}:${e.stateIndex}`, (votes.get(`${e.stateChannel}:${e.stateIndex}`) ?? 0) + 1);
    const state = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!rate || !state) continue;
    const [stateChannel, stateIndex] = state.split(':').map(Number) as [number, number];
    rows.push({
      id: Math.max(...group.map((e) => e.id)),
      lateral: group[0]!.lateral!,
      width: group[0]!.width!,
      rate,
      ...(target ? { target } : {}),
      stateChannel,
      stateIndex,
    });
  }
  return rows.sort((a, b) => a.lateral - b.lateral);
}

/**
 * Towed implement geometry: the hitch's inline position relative to the receiver and the drawbar
 * (hitch to the implement's reference line), both metres; from the connectors of the machine and
 * the implement that share a kind (FORMAT.md, "Working-point position").
 */
export function towedGeometry(header: SessionHeader): { hitch: number; drawbar: number } | undefined {
  const machine = header.devices.find((d) => d.role === 1);
  const implement = header.devices.find((d) => d.role === 2);
  const geometry = header.geometry;
  if (!machine || !implement || !geometry) return undefined;
  for (const towed of implement.connectors) {
    const hitch = machine.connectors.find((c) => c.kind === towed.kind);
    if (hitch) return { hitch: hitch.inline - geometry.receiverInline, drawbar: towed.inline - geometry.implementInline - geometry.sectionInline };
  }
  return undefined;
}
