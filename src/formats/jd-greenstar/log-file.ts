import type { Readable } from 'node:stream';
import { DatasetError, type Machine, type ProductUse } from '../types.ts';
import { streamXml } from './xml.ts';

/** A column one of the log's blocks declares (`VariableNumberColumn`, `DefinedTypeColumn`, `vrLatitude columnID=…`). */
export interface LogColumn {
  id: string;
  /** JD representation code (`vrYieldWetMass`, `dtRecordingStatus`). */
  representation: string;
  /** JD unit code as written (`ml1ha-1`); undefined for defined-type (enumeration) columns. */
  jdUnit?: string;
  defined: boolean;
}

/** What a `.fdl` (XML root `RCDLogFile`) says about its run, without its `.fdd` records. */
export interface LogFile {
  blocks: number;
  /** `dtOperationClass` values of the operations the log's task regions record (`dtiHarvest`), distinct, in order. */
  operationClasses: string[];
  client?: string;
  farm?: string;
  field?: string;
  task?: string;
  crop?: string;
  varieties: string[];
  products: ProductUse[];
  machinery: Machine[];
  /** `LogTaskRegion/@timeStamp` of each block (UTC ISO-8601). */
  startTimes: string[];
  columns: LogColumn[];
  /** `EvenByteDelta/@filePathName` values, `\` turned into `/` (relative to `EIC/` on GS3 cards). */
  dataFiles: string[];
}

interface Entity {
  kind: string;
  attributes: Readonly<Record<string, string>>;
  /** For a crop variety: the name of the crop it is listed under. */
  cropName?: string;
}

/** Setup entities a log references by `erid` (ADAPT "entity reference id"). */
const ENTITY_KINDS = new Set([
  'Client',
  'Farm',
  'Field',
  'Task',
  'Crop',
  'CropVariety',
  'Chemical',
  'Fertilizer',
  'ProductMix',
  'Machine',
  'Implement',
  'MachineModel',
  'ImplementModel',
]);

/** Elements inside an `Operation` that point at the products it used, and the product role they imply. */
const PRODUCT_REFERENCES: Readonly<Record<string, ProductUse['type'] | undefined>> = {
  ProductRef: undefined,
  ProductInfo: undefined,
  Carrier: 'Carrier',
  ProductMixComponent: 'Component',
};

/** Reads one `.fdl` log file: setup snapshot, operation classes, columns and the `.fdd` it points at. */
export async function readLogFile(stream: Readable, fileName: string): Promise<LogFile> {
  const entities = new Map<string, Entity>();
  const classes: string[] = [];
  const columns = new Map<string, LogColumn>();
  const dataFiles: string[] = [];
  const startTimes: string[] = [];
  const productRefs: { erid: string; type: ProductUse['type'] }[] = [];
  const machineRefs: { erid: string; type: Machine['type'] }[] = [];
  let fieldRef: string | undefined;
  let taskRef: string | undefined;
  let blocks = 0;
  let root: string | undefined;
  // Element names from the root down to the current element.
  const stack: string[] = [];
  let currentCrop: string | undefined;
  const cropNames = new Set<string>();

  await streamXml(stream, fileName, {
    open(name, attributes) {
      root ??= name;
      const parent = stack[stack.length - 1];
      stack.push(name);
      const inOperation = stack.includes('Operation') && stack.includes('LogTaskRegion');
      if (name === 'RCDLogBlock') blocks++;
      if (name === 'Crop') {
        // Crops carry a numeric `id`, not an erid; their varieties are nested inside them.
        currentCrop = attributes.name;
        if (attributes.name) cropNames.add(attributes.name);
      }
      if (ENTITY_KINDS.has(name) && attributes.erid) {
        const entity: Entity = { kind: name, attributes };
        if (name === 'CropVariety' && currentCrop !== undefined) entity.cropName = currentCrop;
        entities.set(attributes.erid, entity);
      }
      if (parent === 'RCDLogHeader' && name === 'FieldRef') fieldRef = attributes.eridRef;
      if (parent === 'RCDLogHeader' && name === 'TaskRef') taskRef = attributes.eridRef;
      if (name === 'LogTaskRegion' && attributes.timeStamp) startTimes.push(attributes.timeStamp);
      if (parent === 'LogTaskRegion' && (name === 'MachineRef' || name === 'ImplementRef') && attributes.eridRef) {
        machineRefs.push({ erid: attributes.eridRef, type: name === 'MachineRef' ? 'machine' : 'implement' });
      }
      if (inOperation && name === 'dtOperationClass' && attributes.value && !classes.includes(attributes.value)) classes.push(attributes.value);
      if (inOperation && name in PRODUCT_REFERENCES) {
        const erid = attributes.eridRef ?? attributes.cropInputComponentRef;
        if (erid) productRefs.push({ erid, type: PRODUCT_REFERENCES[name] });
      }
      if (attributes.columnID && !columns.has(attributes.columnID)) {
        const defined = attributes.definedTypeRepresentation !== undefined;
        const column: LogColumn = {
          id: attributes.columnID,
          representation: attributes.variableRepresentation ?? attributes.definedTypeRepresentation ?? name,
          defined,
        };
        if (!defined && attributes.sourceUOM) column.jdUnit = attributes.sourceUOM;
        columns.set(column.id, column);
      }
      if (name === 'EvenByteDelta' && attributes.filePathName) {
        const path = attributes.filePathName.replace(/\\/g, '/');
        if (!dataFiles.includes(path)) dataFiles.push(path);
      }
    },
    close(name) {
      stack.pop();
      if (name === 'Crop') currentCrop = undefined;
    },
  });
  if (root !== 'RCDLogFile') throw new DatasetError(`${fileName}: XML root is ${root ?? 'missing'}, not RCDLogFile`);

  const named = (erid: string | undefined, kind?: string): Entity | undefined => {
    const entity = erid === undefined ? undefined : entities.get(erid);
    return entity && (kind === undefined || entity.kind === kind) ? entity : undefined;
  };
  const fields = [...entities.values()].filter((e) => e.kind === 'Field');
  const field = named(fieldRef, 'Field') ?? (fields.length === 1 ? fields[0] : undefined);
  const farm = named(field?.attributes.farmRef, 'Farm');
  const client = named(farm?.attributes.clientRef, 'Client');

  const varieties: string[] = [];
  const products: ProductUse[] = [];
  let crop: string | undefined;
  for (const ref of productRefs) {
    const entity = entities.get(ref.erid);
    const name = entity?.attributes.name;
    if (!entity || !name) continue;
    if (entity.kind === 'CropVariety') {
      if (!varieties.includes(name)) varieties.push(name);
      crop ??= entity.cropName;
    } else if (entity.kind === 'Crop') {
      crop ??= name;
    } else if (!products.some((p) => p.name === name)) {
      products.push(ref.type === undefined ? { name } : { name, type: ref.type });
    }
  }
  // Seeding and harvest logs that name no variety still carry their crop in the setup snapshot.
  if (crop === undefined && cropNames.size === 1 && classes.some((c) => c === 'dtiHarvest' || c === 'dtiSeeding')) crop = [...cropNames][0];

  const machinery: Machine[] = [];
  for (const ref of machineRefs) {
    const entity = entities.get(ref.erid);
    const name = entity?.attributes.name;
    if (!entity || !name || machinery.some((m) => m.name === name && m.type === ref.type)) continue;
    const machine: Machine = { name, type: ref.type };
    if (entity.attributes.serialNumber) machine.serialNumber = entity.attributes.serialNumber;
    machinery.push(machine);
  }

  const info: LogFile = {
    blocks,
    operationClasses: classes,
    varieties,
    products,
    machinery,
    startTimes,
    columns: [...columns.values()],
    dataFiles,
  };
  if (client?.attributes.name) info.client = client.attributes.name;
  if (farm?.attributes.name) info.farm = farm.attributes.name;
  if (field?.attributes.name) info.field = field.attributes.name;
  const task = named(taskRef, 'Task')?.attributes.name;
  if (task) info.task = task;
  if (crop) info.crop = crop;
  return info;
}
