import { createHash } from 'node:crypto';

/*
 * A file entry's sourceKey says where its operation sits in its upload: the dataset root
 * (e.g. `TASKDATA/TASKDATA.XML`) and the operation id the driver gave it (e.g. `TSK1-planted`).
 * JSON keeps the two apart whatever characters the path holds.
 */

export interface SourceLocation {
  datasetRoot: string;
  operationId: string;
}

export function sourceKeyOf(datasetRoot: string, operationId: string): string {
  return JSON.stringify([datasetRoot, operationId]);
}

export function parseSourceKey(key: string): SourceLocation | undefined {
  try {
    const value: unknown = JSON.parse(key);
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { datasetRoot: value[0], operationId: value[1] };
  } catch {
    // Keys of merged entries (`merge:<id>`) are not locations.
  }
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The file id of an operation of a batch: an RFC 4122 name-based (version 5) UUID with the
 * batch id as namespace and the sourceKey as name, so converting the same batch again (after
 * a crash, on retry) reaches the same entry.
 */
export function fileIdFor(batchId: string, sourceKey: string): string {
  if (!UUID.test(batchId)) throw new Error(`batch id "${batchId}" is not a UUID`);
  const hash = createHash('sha1').update(Buffer.from(batchId.replace(/-/g, ''), 'hex')).update(sourceKey, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
