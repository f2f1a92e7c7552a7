import type { Insertable, Selectable } from 'kysely';
import type { BatchesTable, FailedCallsTable, FilesTable, JobsTable, LeafUsersTable, OwnersTable, WebhooksTable } from './schema.ts';
import {
  FAILURE_PREVIEW,
  type Batch,
  type BatchStatus,
  type FailedCall,
  type FileEntry,
  type FileListing,
  type FileOrigin,
  type FileStatus,
  type Job,
  type JobKind,
  type JobState,
  type LeafUser,
  type NewBatch,
  type BatchProgress,
  type Owner,
  type Provider,
  type Webhook,
  type WebhookEvent,
} from './types.ts';

/*
 * Records ↔ rows: the one place where JSON columns are serialized and parsed, where database
 * numbers are normalized (PostgreSQL returns bigint as text) and where times are written in the
 * one ISO form whose text order is time order.
 */

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : parse<T>(text);
}

/** `2020-01-01T00:00:00Z` and `…00.000Z` sort differently as text; every stored or compared instant goes through here. */
export function isoTime(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO 8601 time: "${value}"`);
  return new Date(time).toISOString();
}

function isoOrNull(value: string | null): string | null {
  return value === null ? null : isoTime(value);
}

export function ownerFromRow(row: Selectable<OwnersTable>): Owner {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdTime: row.created_time,
    // PostgreSQL and SQLite both return integers here; Number() also reads a bigint-as-text should a driver send one.
    admin: Number(row.admin) === 1,
    disabled: Number(row.disabled) === 1,
    tokenVersion: Number(row.token_version),
  };
}

export function userFromRow(row: Selectable<LeafUsersTable>): LeafUser {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    address: row.address,
    externalId: row.external_id,
    credentials: parse<Record<string, unknown>>(row.credentials),
    createdTime: row.created_time,
  };
}

export function userToRow(user: LeafUser): Selectable<LeafUsersTable> {
  return {
    id: user.id,
    owner_id: user.ownerId,
    name: user.name,
    email: user.email,
    phone: user.phone,
    address: user.address,
    external_id: user.externalId,
    credentials: JSON.stringify(user.credentials),
    created_time: isoTime(user.createdTime),
  };
}

export function batchFromRow(row: Selectable<BatchesTable>): Batch {
  return {
    id: row.id,
    ownerId: row.owner_id,
    leafUserId: row.leaf_user_id,
    fileName: row.file_name,
    size: Number(row.size),
    provider: row.provider as Provider,
    status: row.status as BatchStatus,
    statusDetails: row.status_details,
    uploadTimestamp: row.upload_timestamp,
    updatedTime: row.updated_time,
    blobKey: row.blob_key,
    failures: parse<Batch['failures']>(row.failures),
    failureCount: Number(row.failure_count),
    ...(row.progress ? { progress: parse<BatchProgress>(row.progress) } : {}),
  };
}

export function batchToRow(batch: NewBatch): Selectable<BatchesTable> {
  return {
    id: batch.id,
    owner_id: batch.ownerId,
    leaf_user_id: batch.leafUserId,
    file_name: batch.fileName,
    size: batch.size,
    provider: batch.provider,
    status: batch.status,
    status_details: batch.statusDetails,
    upload_timestamp: isoTime(batch.uploadTimestamp),
    updated_time: isoTime(batch.updatedTime),
    blob_key: batch.blobKey,
    failures: JSON.stringify(batch.failures.slice(0, FAILURE_PREVIEW)),
    failure_count: batch.failures.length,
    progress: batch.progress ? JSON.stringify(batch.progress) : null,
  };
}

type BatchChanges = Partial<Pick<Batch, 'status' | 'statusDetails' | 'updatedTime'>> & { progress?: BatchProgress | null };

export function batchChangesToRow(changes: BatchChanges): Partial<Insertable<BatchesTable>> {
  const row: Partial<Insertable<BatchesTable>> = {};
  if (changes.status !== undefined) row.status = changes.status;
  if (changes.statusDetails !== undefined) row.status_details = changes.statusDetails;
  if (changes.updatedTime !== undefined) row.updated_time = isoTime(changes.updatedTime);
  if (changes.progress !== undefined) row.progress = changes.progress === null ? null : JSON.stringify(changes.progress);
  return row;
}

export function fileFromRow(row: Selectable<FilesTable>): FileEntry {
  const { entry } = fileListingFromRow(row);
  return {
    ...entry,
    ownerId: row.owner_id,
    startTime: row.start_time,
    endTime: row.end_time,
    areaM2: row.area_m2 === null ? null : Number(row.area_m2),
    sourceKey: row.source_key,
    blobPrefix: row.blob_prefix,
    summary: parseOrNull<unknown>(row.summary),
    units: parseOrNull<Record<string, string>>(row.units),
  };
}

/** The columns a served entry is made of (FileListing). */
export const LISTING_COLUMNS = [
  'id', 'leaf_user_id', 'batch_id', 'origin', 'provider', 'machine_brand', 'file_format', 'file_name', 'status', 'status_details', 'operation_type',
  'created_time', 'updated_time', 'size_in_bytes', 'sources', 'summary', 'steps', 'warnings',
] as const satisfies readonly (keyof FilesTable)[];

/** A row as a page of GET /files serves it: the summary stays the stored JSON text; units and bookkeeping are not read. */
export function fileListingFromRow(row: Pick<Selectable<FilesTable>, (typeof LISTING_COLUMNS)[number]>): FileListing {
  const entry: FileListing['entry'] = {
    id: row.id,
    leafUserId: row.leaf_user_id,
    batchId: row.batch_id,
    origin: row.origin as FileOrigin,
    provider: row.provider,
    machineBrand: row.machine_brand,
    fileFormat: row.file_format,
    fileName: row.file_name,
    status: row.status as FileStatus,
    statusDetails: row.status_details,
    operationType: row.operation_type,
    createdTime: row.created_time,
    updatedTime: row.updated_time,
    sizeInBytes: Number(row.size_in_bytes),
    sources: parse<string[]>(row.sources),
    steps: parse<FileEntry['steps']>(row.steps),
    warnings: parse<string[]>(row.warnings),
  };
  return { entry, summaryJson: row.summary };
}

/** Column of each FileEntry field; `satisfies` makes a new field a compile error until it is mapped. */
const FILE_COLUMNS = {
  id: 'id',
  ownerId: 'owner_id',
  leafUserId: 'leaf_user_id',
  batchId: 'batch_id',
  origin: 'origin',
  provider: 'provider',
  machineBrand: 'machine_brand',
  fileFormat: 'file_format',
  fileName: 'file_name',
  status: 'status',
  statusDetails: 'status_details',
  operationType: 'operation_type',
  createdTime: 'created_time',
  updatedTime: 'updated_time',
  startTime: 'start_time',
  endTime: 'end_time',
  sizeInBytes: 'size_in_bytes',
  areaM2: 'area_m2',
  sources: 'sources',
  summary: 'summary',
  units: 'units',
  steps: 'steps',
  warnings: 'warnings',
  sourceKey: 'source_key',
  blobPrefix: 'blob_prefix',
} as const satisfies Record<keyof FileEntry, keyof FilesTable>;

function fileValue(field: keyof FileEntry, value: unknown): unknown {
  switch (field) {
    case 'sources':
    case 'steps':
    case 'warnings':
      return JSON.stringify(value);
    case 'summary':
    case 'units':
      return value === null ? null : JSON.stringify(value);
    case 'createdTime':
    case 'updatedTime':
      return isoTime(value as string);
    case 'startTime':
    case 'endTime':
      return isoOrNull(value as string | null);
    default:
      return value;
  }
}

export function fileChangesToRow(changes: Partial<FileEntry>): Partial<Insertable<FilesTable>> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined || !(field in FILE_COLUMNS)) continue;
    row[FILE_COLUMNS[field as keyof FileEntry]] = fileValue(field as keyof FileEntry, value);
  }
  return row as Partial<Insertable<FilesTable>>;
}

export function fileToRow(file: FileEntry): Insertable<FilesTable> {
  return fileChangesToRow(file) as Insertable<FilesTable>;
}

export function webhookFromRow(row: Selectable<WebhooksTable>): Webhook {
  return { id: row.id, ownerId: row.owner_id, name: row.name, url: row.url, secret: row.secret, events: parse<WebhookEvent[]>(row.events), createdTime: row.created_time };
}

export function webhookToRow(webhook: Webhook): Selectable<WebhooksTable> {
  return {
    id: webhook.id,
    owner_id: webhook.ownerId,
    name: webhook.name,
    url: webhook.url,
    secret: webhook.secret,
    events: JSON.stringify(webhook.events),
    created_time: isoTime(webhook.createdTime),
  };
}

export function failedCallFromRow(row: Selectable<FailedCallsTable>): FailedCall {
  return {
    id: row.id,
    ownerId: row.owner_id,
    webhookId: row.webhook_id,
    createdAt: row.created_at,
    url: row.url,
    status: row.status === null ? null : Number(row.status),
    response: row.response,
    requestBody: row.request_body,
    connectionError: row.connection_error,
  };
}

export function failedCallToRow(call: FailedCall): Selectable<FailedCallsTable> {
  return {
    id: call.id,
    owner_id: call.ownerId,
    webhook_id: call.webhookId,
    created_at: isoTime(call.createdAt),
    url: call.url,
    status: call.status,
    response: call.response,
    request_body: call.requestBody,
    connection_error: call.connectionError,
  };
}

export function jobFromRow(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    payload: parse<Record<string, unknown>>(row.payload),
    state: row.state as JobState,
    attempts: Number(row.attempts),
    runAfter: row.run_after,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    ownerId: row.owner_id,
  };
}

export function jobPayloadToText(payload: Record<string, unknown>): string {
  return JSON.stringify(payload);
}
