import { isoDictionaryUnit } from '../../model/units.ts';
import { ddiHex, isProprietaryDdi, lookupDdi } from './dictionary.ts';
import { describeFactor, presentationFactor } from './presentation-check.ts';
import type { DeviceElement, DeviceProcessData, DeviceProperty, DeviceValuePresentation, TaskData } from './taskdata.ts';
import type { TimeLogHeader } from './timelog-header.ts';

/** What one DLV of a timelog header becomes: a numeric column with its meaning and conversion. */
export interface DataLogColumn {
  /** Index of the DLV in its header (what binary records refer to). */
  index: number;
  ddi: number;
  deviceElementId: string;
  element?: DeviceElement;
  /** `<DDI hex>_<DET id>` as isoxml-js keys values, made unique within the header when needed. */
  key: string;
  label: string;
  /** Unit code of the output values; undefined for proprietary and unit-less values. */
  unit?: string;
  /** Output value = (raw + offset) × scale. */
  scale: number;
  offset: number;
  /** Steps from the device root element (0); Infinity when the DET is unknown. */
  depth: number;
  /** Set when the device's value presentation disagrees with the dictionary about what a raw step is. */
  presentationNote?: string;
  /**
   * The device's reading when it disagrees with the dictionary: what one raw step is by its
   * presentation, in the column's (dictionary) unit, and the disagreement in words without a verdict.
   * Planning decides from the values which of the two to use for a standard property (plausibility.ts).
   */
  presented?: { scale: number; text: string };
}

/**
 * Describes every DLV of a timelog header. Standard DDIs are given in the ISO 11783-11 dictionary
 * unit (raw × resolution), never in the device's presentation: the DVP is what a terminal shows
 * the driver (cm, t/ha, l/h, often rounded scales such as 0.1000000015) and varies by
 * manufacturer, while the dictionary unit is what the DDI means everywhere. Proprietary DDIs
 * (0xE000–0xFFFE) have no dictionary entry, so their DVP is all there is: (raw + offset) × scale,
 * with the DVP unit text in the label and no unit code (it is free text).
 */
export function describeDataLogValues(data: TaskData, header: TimeLogHeader): DataLogColumn[] {
  const used = new Map<string, number>();
  return header.dataLogValues.map((dlv, index) => {
    const element = data.deviceElements.get(dlv.deviceElementId);
    const processData = element ? findProcessData(element, dlv.ddi) : undefined;
    const presentation = processData?.presentationObjectId === undefined ? undefined : element?.device.presentations.get(processData.presentationObjectId);
    const dictionary = isProprietaryDdi(dlv.ddi) ? undefined : lookupDdi(dlv.ddi);
    const hex = Number.isNaN(dlv.ddi) ? 'XXXX' : ddiHex(dlv.ddi);
    const where = dlv.deviceElementId || 'no DET';

    let key = `${hex}_${dlv.deviceElementId}`;
    let name = processData?.designator && dictionary && processData.designator !== dictionary.name ? `${processData.designator} – ${dictionary.name}` : (processData?.designator ?? dictionary?.name ?? `DDI 0x${hex}`);
    if (dlv.pgn) {
      // PGN-based data (0xDFFE): one DET logs several parameters cut from CAN messages, so the PGN and bit range tell them apart.
      const bits = dlv.pgn.startBit !== undefined && dlv.pgn.stopBit !== undefined ? `_${dlv.pgn.startBit}-${dlv.pgn.stopBit}` : '';
      key += `_PGN${dlv.pgn.pgn}${bits}`;
      name = `PGN ${dlv.pgn.pgn}${bits ? ` bits ${dlv.pgn.startBit}–${dlv.pgn.stopBit}` : ''}`;
    }
    const seen = used.get(key) ?? 0;
    used.set(key, seen + 1);
    if (seen > 0) key += `_${seen + 1}`;

    if (dictionary) {
      const unit = isoDictionaryUnit(dictionary.unit);
      const factor = presentation ? presentationFactor(dictionary, unit, presentation) : undefined;
      const text =
        factor === undefined
          ? undefined
          : `0x${hex} ${dictionary.name}: the device presents one raw step as ${presentation!.scale} ${presentation!.unit}, ${describeFactor(factor)} than the ISO 11783-11 dictionary's ${dictionary.resolution} ${dictionary.unit}`;
      const presentationNote = text && `${text}; values follow the dictionary, so check them against what the terminal showed`;
      const presented = text && factor !== undefined ? { scale: dictionary.resolution * factor, text } : undefined;
      return { index, ddi: dlv.ddi, deviceElementId: dlv.deviceElementId, element, key, label: `${name} (${where})`, unit, scale: dictionary.resolution, offset: 0, depth: depthOf(element), presentationNote, presented };
    }
    const presented = presentation ? presentationOf(presentation) : { scale: 1, offset: 0, unit: undefined };
    const proprietaryName = processData?.designator ?? (isProprietaryDdi(dlv.ddi) ? `Proprietary DDI 0x${hex}` : `DDI 0x${hex}`);
    return {
      index,
      ddi: dlv.ddi,
      deviceElementId: dlv.deviceElementId,
      element,
      key,
      label: `${dlv.pgn ? name : proprietaryName}${presented.unit ? ` [${presented.unit}]` : ''} (${where})`,
      unit: undefined,
      scale: presented.scale,
      offset: presented.offset,
      depth: depthOf(element),
    };
  });
}

function presentationOf(dvp: DeviceValuePresentation): { scale: number; offset: number; unit?: string } {
  return { scale: Number.isFinite(dvp.scale) && dvp.scale !== 0 ? dvp.scale : 1, offset: Number.isFinite(dvp.offset) ? dvp.offset : 0, unit: dvp.unit };
}

/** The DPD with this DDI among the objects the element references (DOR), as isoxml-js resolves it. */
export function findProcessData(element: DeviceElement, ddi: number): DeviceProcessData | undefined {
  for (const ref of element.objectRefs) {
    const dpd = element.device.processData.get(ref);
    if (dpd && dpd.ddi === ddi) return dpd;
  }
  return undefined;
}

/** DPT fixed values of one DDI among the objects the element references. */
export function findProperty(element: DeviceElement, ddi: number): DeviceProperty | undefined {
  for (const ref of element.objectRefs) {
    const dpt = element.device.properties.get(ref);
    if (dpt && dpt.ddi === ddi && Number.isFinite(dpt.value)) return dpt;
  }
  return undefined;
}

/** The element's parent in its device (DET F names the parent's object id). */
function parentOf(element: DeviceElement): DeviceElement | undefined {
  if (element.type === 1 || element.parentObjectId === element.objectId) return undefined;
  return element.device.elements.find((e) => e.objectId === element.parentObjectId && e !== element);
}

/** Element and its parents up to the device root, nearest first. Guards against cycles in broken DDOPs. */
export function lineage(element: DeviceElement): DeviceElement[] {
  const chain: DeviceElement[] = [];
  for (let e: DeviceElement | undefined = element; e && !chain.includes(e); e = parentOf(e)) chain.push(e);
  return chain;
}

export function depthOf(element: DeviceElement | undefined): number {
  return element ? lineage(element).length - 1 : Infinity;
}
