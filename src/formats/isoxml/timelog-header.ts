import type { Readable } from 'node:stream';
import { DatasetError } from '../types.ts';
import { parseDdi } from './dictionary.ts';
import { parseXml } from './xml.ts';

/**
 * Where a header value lives (ISO 11783-10 TIM/PTN in a TLGnnnnn.XML): an attribute present with
 * an empty value is written in every binary record, one with a value is the same for every record,
 * an absent one is not logged at all.
 */
export type Slot = { kind: 'binary' } | { kind: 'constant'; value: number } | { kind: 'absent' };

/** PTN attributes in the order their binary fields follow the time stamp. */
export const POSITION_FIELDS = [
  { letter: 'A', name: 'PositionNorth', bytes: 4 },
  { letter: 'B', name: 'PositionEast', bytes: 4 },
  { letter: 'C', name: 'PositionUp', bytes: 4 },
  { letter: 'D', name: 'PositionStatus', bytes: 1 },
  { letter: 'E', name: 'PDOP', bytes: 2 },
  { letter: 'F', name: 'HDOP', bytes: 2 },
  { letter: 'G', name: 'NumberOfSatellites', bytes: 1 },
  { letter: 'H', name: 'GpsUtcTime', bytes: 4 },
  { letter: 'I', name: 'GpsUtcDate', bytes: 2 },
] as const;

export type PositionField = (typeof POSITION_FIELDS)[number]['name'];

export interface DataLogValueHeader {
  ddi: number;
  /** DET id (`DET-1`) of the device element whose value this is. */
  deviceElementId: string;
  /** For DDI 0xDFFE "PGN Based Data": the parameter group and bit range the value was cut from (DLV D, E, F). */
  pgn?: { pgn: string; startBit?: string; stopBit?: string };
}

export interface TimeLogHeader {
  /** TIM A: the record time stamp. */
  start: Slot;
  /** PTN slots by field; all absent when the header has no PTN. */
  position: Readonly<Record<PositionField, Slot>>;
  /** DLV entries; a record refers to them by index in this list. */
  dataLogValues: DataLogValueHeader[];
  /** Set when the header file ends before </TIM>; what was read before is used. */
  cutOff?: string;
}

/** Reads a timelog header (root TIM). Throws DatasetError when it is not one. */
export async function parseTimeLogHeader(stream: Readable, fileName: string): Promise<TimeLogHeader> {
  let depth = 0;
  let start: Slot | undefined;
  const position = Object.fromEntries(POSITION_FIELDS.map((f) => [f.name, { kind: 'absent' } as Slot])) as Record<PositionField, Slot>;
  const dataLogValues: DataLogValueHeader[] = [];
  const { cutOff } = await parseXml(stream, fileName, {
    open(name, attributes) {
      depth++;
      if (depth === 1) {
        if (name !== 'TIM') throw new DatasetError(`${fileName}: root element is <${name}>, expected the timelog header <TIM>`);
        start = slot(attributes.A);
      } else if (depth === 2 && name === 'PTN') {
        for (const field of POSITION_FIELDS) position[field.name] = slot(attributes[field.letter]);
      } else if (depth === 2 && name === 'DLV') {
        // A DLV that names no DDI still takes its index, or every later index would shift.
        const pgn = attributes.D?.trim();
        dataLogValues.push({
          ddi: parseDdi(attributes.A),
          deviceElementId: (attributes.C ?? '').trim(),
          pgn: pgn ? { pgn, startBit: attributes.E?.trim(), stopBit: attributes.F?.trim() } : undefined,
        });
      }
    },
    close() {
      depth--;
    },
  }, { tolerateCutOff: true });
  if (start === undefined) throw new DatasetError(`${fileName} has no <TIM> element`);
  return { start, position, dataLogValues, cutOff };
}

function slot(value: string | undefined): Slot {
  if (value === undefined) return { kind: 'absent' };
  if (value.trim() === '') return { kind: 'binary' };
  const number = Number(value);
  // A constant that is not a number (a date in TIM A, say) cannot be placed in a column; treat as not logged.
  return Number.isFinite(number) ? { kind: 'constant', value: number } : { kind: 'absent' };
}
