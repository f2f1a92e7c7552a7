import { randomUUID } from 'node:crypto';
import type { Batch, FileEntry, MetadataStore, Owner, LeafUser } from '../../../src/store/types.ts';

/** An owner with one Leaf user, the minimum every batch and file needs. */
export async function ownerWithUser(store: MetadataStore, username: string): Promise<{ owner: Owner; user: LeafUser }> {
  const owner = await store.createOwner(username, 'scrypt$hash');
  const user = await store.createUser({ ownerId: owner.id, name: `${username} grower`, email: `${username}@example.com`, phone: null, address: null, externalId: null, credentials: {} });
  return { owner, user };
}

export function batchRecord(ownerId: string, leafUserId: string, changes: Partial<Batch> = {}): Batch {
  const id = changes.id ?? randomUUID();
  const now = new Date().toISOString();
  return {
    id,
    ownerId,
    leafUserId,
    fileName: 'upload.zip',
    size: 1234,
    provider: 'Other',
    status: 'RECEIVED',
    statusDetails: null,
    uploadTimestamp: now,
    updatedTime: now,
    blobKey: `batches/${id}/upload.zip`,
    failures: [],
    ...changes,
    failureCount: changes.failureCount ?? changes.failures?.length ?? 0,
  };
}

export function fileRecord(ownerId: string, leafUserId: string, changes: Partial<FileEntry> = {}): FileEntry {
  const id = changes.id ?? randomUUID();
  const now = new Date().toISOString();
  return {
    id,
    ownerId,
    leafUserId,
    batchId: null,
    origin: 'uploaded',
    provider: 'Other',
    machineBrand: null,
    fileFormat: 'ISO11783',
    fileName: 'upload.zip',
    status: 'processed',
    statusDetails: null,
    operationType: 'planted',
    createdTime: now,
    updatedTime: now,
    startTime: null,
    endTime: null,
    sizeInBytes: 100,
    areaM2: null,
    sources: [],
    summary: null,
    units: null,
    steps: {},
    warnings: [],
    sourceKey: `key-${id}`,
    blobPrefix: `files/${id}`,
    ...changes,
  };
}
