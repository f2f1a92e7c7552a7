import type { Readable } from 'node:stream';
import { DatasetError } from '../types.ts';
import { parseDdi } from './dictionary.ts';
import { parseXml } from './xml.ts';

/*
 * A small typed model of the parts of ISO 11783-10 TASKDATA.XML that Furrow uses. Element and
 * attribute names follow the standard (CTR customer, FRM farm, PFD partfield, TSK task, PDT
 * product, PGP product group, CTP/CVT crop type/variety, DVC device with DET elements, DPD process
 * data, DPT properties and DVP value presentations). Polygons, grids and treatment zones are
 * skipped while streaming, so cards with large prescriptions stay cheap to read.
 */

export interface TaskDataRoot {
  versionMajor?: string;
  versionMinor?: string;
  taskControllerManufacturer?: string;
  taskControllerVersion?: string;
  managementSoftwareManufacturer?: string;
  dataTransferOrigin?: string;
}

export interface Customer {
  id: string;
  lastName?: string;
  firstName?: string;
}

export interface Farm {
  id: string;
  designator?: string;
  customerId?: string;
}

export interface Partfield {
  id: string;
  designator?: string;
  customerId?: string;
  farmId?: string;
  cropTypeId?: string;
  cropVarietyId?: string;
}

export interface Product {
  id: string;
  designator?: string;
  productGroupId?: string;
  /** PDT F: 1 single product, 2 mixture, 3 temporary mixture (a tank mix made for the task). */
  type?: number;
  /** PRN children of a mixture: the products it is made of, with their quantity (PRN B, in the mixture's quantity DDI). */
  parts: { productId: string; quantity?: number }[];
}

export interface ProductGroup {
  id: string;
  designator?: string;
  /** 1 = product group, 2 = crop type group. */
  type?: number;
}

export interface CropVariety {
  id: string;
  designator?: string;
  /** The product that stands for this variety (seed), when given. */
  productId?: string;
}

export interface CropType {
  id: string;
  designator?: string;
  /** The product group whose products are varieties of this crop. */
  productGroupId?: string;
  varieties: CropVariety[];
}

export interface DeviceProcessData {
  objectId: number;
  ddi: number;
  designator?: string;
  presentationObjectId?: number;
}

export interface DeviceProperty {
  objectId: number;
  ddi: number;
  value: number;
  designator?: string;
  presentationObjectId?: number;
}

export interface DeviceValuePresentation {
  objectId: number;
  offset: number;
  scale: number;
  decimals?: number;
  unit?: string;
}

export interface DeviceElement {
  id: string;
  objectId: number;
  /** 1 device, 2 function, 3 bin, 4 section, 5 unit, 6 connector, 7 navigation. */
  type: number;
  designator?: string;
  number?: number;
  parentObjectId: number;
  /** Object ids of the DPD/DPT this element references through DOR children. */
  objectRefs: number[];
  device: Device;
}

export interface Device {
  id: string;
  designator?: string;
  softwareVersion?: string;
  /** ISO 11783-5 NAME as 16 hex digits. */
  clientName?: string;
  serialNumber?: string;
  elements: DeviceElement[];
  processData: Map<number, DeviceProcessData>;
  properties: Map<number, DeviceProperty>;
  presentations: Map<number, DeviceValuePresentation>;
}

export interface ProductAllocation {
  productId: string;
  quantityDdi?: number;
  deviceElementId?: string;
}

export interface Task {
  id: string;
  designator?: string;
  customerId?: string;
  farmId?: string;
  partfieldId?: string;
  status?: number;
  /** TLG file names (`TLG00001`) in document order. */
  timeLogs: string[];
  deviceIds: string[];
  productAllocations: ProductAllocation[];
  /** UTC offsets written in the task's TIM start times (`-05:00`), telling that the controller clock runs on local time. */
  utcOffsets: string[];
  /**
   * The values the task's TIM elements state for its DLVs (ISO 11783-10: the totals of the task at the
   * end of that time element), in document order: the last one that states a DDI of an element is the
   * task's total. Raw integers, as in the binary timelogs.
   */
  timeTotals: TaskTotal[];
}

export interface TaskTotal {
  ddi: number;
  deviceElementId: string;
  value: number;
}

export interface TaskData {
  root: TaskDataRoot;
  customers: Map<string, Customer>;
  farms: Map<string, Farm>;
  partfields: Map<string, Partfield>;
  products: Map<string, Product>;
  productGroups: Map<string, ProductGroup>;
  cropTypes: Map<string, CropType>;
  devices: Map<string, Device>;
  deviceElements: Map<string, DeviceElement>;
  tasks: Task[];
  warnings: string[];
}

/** Opens a file of the dataset by its upper-cased name; undefined when it is not there. */
export type OpenFile = (upperCaseName: string) => Promise<Readable | undefined>;

function emptyTaskData(): TaskData {
  return {
    root: {},
    customers: new Map(),
    farms: new Map(),
    partfields: new Map(),
    products: new Map(),
    productGroups: new Map(),
    cropTypes: new Map(),
    devices: new Map(),
    deviceElements: new Map(),
    tasks: [],
    warnings: [],
  };
}

/**
 * Reads TASKDATA.XML and the external files its XFR elements name (`<name>.XML` beside it, whose
 * elements count as if they were written inline).
 */
export async function readTaskData(main: Readable, fileName: string, openFile: OpenFile): Promise<TaskData> {
  const data = emptyTaskData();
  const external: string[] = [];
  await parseXml(main, fileName, new TaskDataVisitor(data, fileName, 'ISO11783_TaskData', external));
  const seen = new Set<string>();
  for (let i = 0; i < external.length; i++) {
    const name = `${external[i].toUpperCase()}.XML`;
    if (seen.has(name)) continue;
    seen.add(name);
    const stream = await openFile(name);
    if (!stream) {
      data.warnings.push(`${fileName} refers to the external file ${name} (XFR), which is not in the folder; its contents are missing`);
      continue;
    }
    // An external file may itself reference more external files; they join the same queue.
    await parseXml(stream, name, new TaskDataVisitor(data, name, undefined, external));
  }
  return data;
}

/** Attribute value with surrounding blanks removed; empty means absent (fixed-width fields are padded, e.g. `ha   `). */
function text(attributes: Readonly<Record<string, string>>, letter: string): string | undefined {
  const value = attributes[letter]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function num(attributes: Readonly<Record<string, string>>, letter: string): number | undefined {
  const value = text(attributes, letter);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

class TaskDataVisitor {
  private readonly stack: string[] = [];
  private cropType: CropType | undefined;
  private product: Product | undefined;
  private device: Device | undefined;
  private element: DeviceElement | undefined;
  private task: Task | undefined;

  constructor(
    private readonly data: TaskData,
    private readonly fileName: string,
    /** The root element the file must have; undefined for external files (root XFC). */
    private readonly expectedRoot: string | undefined,
    private readonly external: string[],
  ) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const parent = this.stack[this.stack.length - 1];
    const depth = this.stack.length;
    this.stack.push(name);
    if (depth === 0) {
      if (this.expectedRoot !== undefined && name !== this.expectedRoot) {
        throw new DatasetError(`${this.fileName}: root element is <${name}>, expected <${this.expectedRoot}>; this is not ISO 11783-10 task data`);
      }
      if (this.expectedRoot !== undefined) this.readRoot(attributes);
      return;
    }
    if (depth === 1) return this.openTopLevel(name, attributes);
    if (parent === 'CTP' && name === 'CVT' && this.cropType) {
      const id = text(attributes, 'A');
      if (id) this.cropType.varieties.push({ id, designator: text(attributes, 'B'), productId: text(attributes, 'C') });
    } else if (parent === 'PDT' && name === 'PRN' && this.product) {
      const productId = text(attributes, 'A');
      if (productId) this.product.parts.push({ productId, quantity: num(attributes, 'B') });
    } else if (parent === 'DVC' && this.device && depth === 2) {
      this.openDeviceChild(this.device, name, attributes);
    } else if (parent === 'DET' && name === 'DOR' && this.element) {
      const ref = num(attributes, 'A');
      if (ref !== undefined) this.element.objectRefs.push(ref);
    } else if (parent === 'TSK' && this.task && depth === 2) {
      this.openTaskChild(this.task, name, attributes);
    } else if (parent === 'TIM' && name === 'DLV' && this.task && depth === 3) {
      const ddi = parseDdi(attributes.A);
      const value = num(attributes, 'B');
      const deviceElementId = text(attributes, 'C');
      if (!Number.isNaN(ddi) && value !== undefined && deviceElementId) this.task.timeTotals.push({ ddi, deviceElementId, value });
    }
  }

  close(name: string): void {
    this.stack.pop();
    if (name === 'CTP') this.cropType = undefined;
    else if (name === 'PDT') this.product = undefined;
    else if (name === 'DVC') this.device = undefined;
    else if (name === 'DET') this.element = undefined;
    else if (name === 'TSK') this.task = undefined;
  }

  private readRoot(a: Readonly<Record<string, string>>): void {
    this.data.root = {
      versionMajor: text(a, 'VersionMajor'),
      versionMinor: text(a, 'VersionMinor'),
      taskControllerManufacturer: text(a, 'TaskControllerManufacturer'),
      taskControllerVersion: text(a, 'TaskControllerVersion'),
      managementSoftwareManufacturer: text(a, 'ManagementSoftwareManufacturer'),
      dataTransferOrigin: text(a, 'DataTransferOrigin'),
    };
  }

  private openTopLevel(name: string, a: Readonly<Record<string, string>>): void {
    const id = text(a, 'A');
    const data = this.data;
    switch (name) {
      case 'CTR':
        if (id) this.add(data.customers, { id, lastName: text(a, 'B'), firstName: text(a, 'C') }, name);
        break;
      case 'FRM':
        if (id) this.add(data.farms, { id, designator: text(a, 'B'), customerId: text(a, 'I') }, name);
        break;
      case 'PFD':
        if (id) {
          this.add(
            data.partfields,
            { id, designator: text(a, 'C'), customerId: text(a, 'E'), farmId: text(a, 'F'), cropTypeId: text(a, 'G'), cropVarietyId: text(a, 'H') },
            name,
          );
        }
        break;
      case 'PDT':
        if (id) {
          this.product = { id, designator: text(a, 'B'), productGroupId: text(a, 'C'), type: num(a, 'F'), parts: [] };
          this.add(data.products, this.product, name);
        }
        break;
      case 'PGP':
        if (id) this.add(data.productGroups, { id, designator: text(a, 'B'), type: num(a, 'C') }, name);
        break;
      case 'CTP':
        if (id) {
          this.cropType = { id, designator: text(a, 'B'), productGroupId: text(a, 'C'), varieties: [] };
          this.add(data.cropTypes, this.cropType, name);
        }
        break;
      case 'DVC':
        if (id) {
          this.device = {
            id,
            designator: text(a, 'B'),
            softwareVersion: text(a, 'C'),
            clientName: text(a, 'D'),
            serialNumber: text(a, 'E'),
            elements: [],
            processData: new Map(),
            properties: new Map(),
            presentations: new Map(),
          };
          this.add(data.devices, this.device, name);
        }
        break;
      case 'TSK':
        if (id) {
          this.task = {
            id,
            designator: text(a, 'B'),
            customerId: text(a, 'C'),
            farmId: text(a, 'D'),
            partfieldId: text(a, 'E'),
            status: num(a, 'G'),
            timeLogs: [],
            deviceIds: [],
            productAllocations: [],
            utcOffsets: [],
            timeTotals: [],
          };
          data.tasks.push(this.task);
        }
        break;
      case 'XFR':
        if (id) this.external.push(id);
        break;
    }
  }

  private openDeviceChild(device: Device, name: string, a: Readonly<Record<string, string>>): void {
    const objectId = num(a, name === 'DET' ? 'B' : 'A');
    switch (name) {
      case 'DET': {
        const id = text(a, 'A');
        if (!id || objectId === undefined) return;
        this.element = {
          id,
          objectId,
          type: num(a, 'C') ?? 0,
          designator: text(a, 'D'),
          number: num(a, 'E'),
          parentObjectId: num(a, 'F') ?? 0,
          objectRefs: [],
          device,
        };
        device.elements.push(this.element);
        this.add(this.data.deviceElements, this.element, name);
        return;
      }
      case 'DPD':
        if (objectId !== undefined) {
          device.processData.set(objectId, { objectId, ddi: parseDdi(a.B), designator: text(a, 'E'), presentationObjectId: num(a, 'F') });
        }
        return;
      case 'DPT':
        if (objectId !== undefined) {
          device.properties.set(objectId, { objectId, ddi: parseDdi(a.B), value: num(a, 'C') ?? NaN, designator: text(a, 'D'), presentationObjectId: num(a, 'E') });
        }
        return;
      case 'DVP':
        if (objectId !== undefined) {
          device.presentations.set(objectId, { objectId, offset: num(a, 'B') ?? 0, scale: num(a, 'C') ?? 1, decimals: num(a, 'D'), unit: text(a, 'E') });
        }
        return;
    }
  }

  private openTaskChild(task: Task, name: string, a: Readonly<Record<string, string>>): void {
    switch (name) {
      case 'TLG': {
        const file = text(a, 'A');
        // TimeLogType 1 is the binary timelog, the only type ISO 11783-10 defines.
        if (file && (num(a, 'C') ?? 1) === 1) task.timeLogs.push(file);
        return;
      }
      case 'DAN': {
        const device = text(a, 'C');
        if (device && !task.deviceIds.includes(device)) task.deviceIds.push(device);
        return;
      }
      case 'PAN': {
        const productId = text(a, 'A');
        if (productId) task.productAllocations.push({ productId, quantityDdi: a.B === undefined ? undefined : parseDdi(a.B), deviceElementId: text(a, 'E') });
        return;
      }
      case 'TIM': {
        const offset = /([+-]\d\d:?\d\d)$/.exec(text(a, 'A') ?? '')?.[1];
        if (offset && !/^[+-]00:?00$/.test(offset) && !task.utcOffsets.includes(offset)) task.utcOffsets.push(offset);
        return;
      }
    }
  }

  private add<T extends { id: string }>(map: Map<string, T>, item: T, tag: string): void {
    if (map.has(item.id)) {
      this.data.warnings.push(`${this.fileName}: ${tag} ${item.id} is defined twice; the first definition is used`);
      return;
    }
    map.set(item.id, item);
  }
}
