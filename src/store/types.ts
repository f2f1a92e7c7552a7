import type { Readable } from 'node:stream';
import type { StepName, StepStatus } from '../convert/status.ts';
import type { Provider } from '../formats/providers.ts';
import type { ZipLocator } from './zip-locator.ts';

/*
 * The records Furrow keeps and the interfaces of the stores that keep them. Field names follow
 * Leaf's JSON (reference/leaf-api.md §2, §8, §11, §12) so the API can serve them as they are.
 * Times are ISO 8601 strings in UTC.
 */

export { PROVIDERS, type Provider } from '../formats/providers.ts';

/** An API owner: the company account that owns Leaf users and authenticates. */
export interface Owner {
  id: string;
  username: string;
  /** scrypt hash: `scrypt$N$r$p$salt$hash` (base64 parts). */
  passwordHash: string;
  createdTime: string;
  /** May manage the other owners (the first owner of an installation is). */
  admin: boolean;
  /** May not log in; its tokens are refused. Its data stays. */
  disabled: boolean;
  /** Carried in each token; a new password or disabling the owner bumps it, which revokes every token issued before. */
  tokenVersion: number;
}

export type OwnerChanges = Partial<Pick<Owner, 'passwordHash' | 'disabled' | 'admin'>>;

/** updateOwner's or deleteOwner's refusal: the change would leave no enabled administrator to manage the owners. */
export class LastAdminError extends Error {
  constructor() {
    super('At least one enabled administrator must remain');
    this.name = 'LastAdminError';
  }
}

/** A Leaf user: one grower or customer of an API owner (§12). */
export interface LeafUser {
  id: string;
  ownerId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  externalId: string | null;
  /** `<provider>Credentials` objects as the client sent them (e.g. `johnDeereCredentials: {id}`). */
  credentials: Record<string, unknown>;
  createdTime: string;
}

export type BatchStatus = 'RECEIVED' | 'PROCESSING' | 'PROCESSED' | 'FAILED';

export interface Batch {
  id: string;
  ownerId: string;
  leafUserId: string;
  fileName: string;
  size: number;
  provider: Provider;
  status: BatchStatus;
  /** Set when FAILED: `No valid files found` | `Files found but unable to read...` | `Leaf internal error...`. */
  statusDetails: string | null;
  uploadTimestamp: string;
  updatedTime: string;
  /** Blob key of the uploaded zip. */
  blobKey: string;
  /** The first failures (parts of the zip that could not be read: path + reason), at most FAILURE_PREVIEW; every one is paged by listBatchFailures. */
  failures: BatchFailure[];
  /** How many failures the batch has in all. */
  failureCount: number;
  /** Where its conversion stands, once a conversion has reported (Furrow extension of GET /batch/{id}). */
  progress?: BatchProgress;
}

/**
 * A batch's conversion as it goes, written at most about once a second while a slice converts.
 * Bytes are the uncompressed bytes of the datasets' entries (input-progress.ts counts how far the
 * readers got); operations are those this run converts, known slice by slice.
 */
export interface BatchProgress {
  bytesDone: number;
  bytesTotal: number;
  /** bytesDone / bytesTotal rounded down to 4 decimals (by operations when there are no bytes); 1 only when done. */
  fraction: number;
  operationsDone: number;
  operationsTotal: number;
  /** The stage of the operation being converted (pipeline.ts OperationStage); `queued` between slices; `done` at the end. */
  stage: BatchStage;
}

export const BATCH_STAGES = ['reading', 'coverage', 'filters', 'writing', 'images', 'queued', 'done'] as const;
export type BatchStage = (typeof BATCH_STAGES)[number];

export interface BatchFailure {
  path: string;
  reason: string;
}

/** A batch as created: its failures are all the failures it starts with (normally none). */
export type NewBatch = Omit<Batch, 'failureCount'>;

/** Failures a batch record (and so GET /batch/{id}) carries; a zip of 30,000 broken folders must not make every read of its batch megabytes long. */
export const FAILURE_PREVIEW = 20;

export type FileStatus = 'processing' | 'processed' | 'failed';
export type FileOrigin = 'uploaded' | 'merged' | 'provider' | 'automerged';

/** One converted operation: Leaf's "file" entry (§2). */
export interface FileEntry {
  id: string;
  ownerId: string;
  leafUserId: string;
  batchId: string | null;
  origin: FileOrigin;
  /** One of Leaf's provider values (PROVIDERS): the upload's, or the one its format belongs to. */
  provider: string;
  /** The machine brand the file names (ISOXML's task controller manufacturer), when it is not a Leaf provider value itself. */
  machineBrand: string | null;
  fileFormat: string;
  fileName: string;
  status: FileStatus;
  statusDetails: string | null;
  operationType: string;
  createdTime: string;
  updatedTime: string;
  /** Operation time span from the summary, for the `startTime`/`endTime` filters. */
  startTime: string | null;
  endTime: string | null;
  sizeInBytes: number;
  /** Summary totalArea in m², for the `minArea` filter. */
  areaM2: number | null;
  /** Ids of the files merged into this one (merged files only). */
  sources: string[];
  summary: unknown | null;
  units: Record<string, string> | null;
  steps: Partial<Record<StepName, StepStatus>>;
  warnings: string[];
  /** Where the operation came from inside its batch (dataset root + operation id): with batchId, unique, so a re-run never duplicates an entry. */
  sourceKey: string;
  /** Blob key prefix of the outputs: `<prefix>/raw.geojson`, `standard.geojson`, ... */
  blobPrefix: string;
}

/**
 * A file entry as a page of GET /files reads it: the record without its units, and its summary as
 * the JSON text stored, so that a page is written without parsing and re-encoding every summary.
 */
export interface FileListing {
  entry: Omit<FileEntry, ListingOmits>;
  summaryJson: string | null;
}
/** What a served entry does not show: its units (a route of their own), and the store's own bookkeeping and filter columns. */
export type ListingOmits = 'summary' | 'units' | 'ownerId' | 'sourceKey' | 'blobPrefix' | 'startTime' | 'endTime' | 'areaM2';

export interface FileQuery {
  ownerId: string;
  leafUserId?: string;
  provider?: string;
  status?: FileStatus;
  origin?: FileOrigin;
  batchId?: string;
  operationType?: string;
  /** Entries created/started/updated at or after these instants; ending at or before `endTime`. */
  createdTime?: string;
  startTime?: string;
  updatedTime?: string;
  endTime?: string;
  minArea?: number;
  /** Sort keys in priority order. */
  sort: { field: FileSortField; direction: 'asc' | 'desc' }[];
  page: number;
  size: number;
}
export const FILE_SORT_FIELDS = ['id', 'fileName', 'createdTime', 'updatedTime', 'origin', 'leafUserId', 'sizeInBytes', 'provider', 'organizationId', 'fileFormat'] as const;
export type FileSortField = (typeof FILE_SORT_FIELDS)[number];

export const WEBHOOK_EVENTS = [
  'uploadedFileProcessingFinished',
  'uploadedFileProcessingFailed',
  'batchUploadProcessingFinished',
  'mergedFileProcessingFinished',
  'mergedFileProcessingFailed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  ownerId: string;
  name: string;
  url: string;
  secret: string;
  events: WebhookEvent[];
  createdTime: string;
}

/** createWebhook's refusal: `events` are already registered by another webhook of the same owner. */
export class EventRegisteredTwiceError extends Error {
  constructor(readonly events: WebhookEvent[]) {
    super(`Event already registered by another webhook: ${events.join(', ')}`);
    this.name = 'EventRegisteredTwiceError';
  }
}

/** A webhook delivery that failed once (§11 `failed-calls`). */
export interface FailedCall {
  id: string;
  ownerId: string;
  webhookId: string;
  createdAt: string;
  url: string;
  /** HTTP status, or null when no response came. */
  status: number | null;
  response: string | null;
  requestBody: string;
  connectionError: string | null;
}

/** `purgeBlobs` (payload `{prefixes}`): removes the stored bytes of records already deleted. */
export type JobKind = 'convertBatch' | 'merge' | 'deliverWebhook' | 'purgeBlobs';
/** `dispatched`: handed to an external queue engine (BullMQ), which runs it from then on. */
export type JobState = 'queued' | 'dispatched' | 'running' | 'done' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  /** Not before this instant (retry backoff, webhook schedule). */
  runAfter: string;
  /** While running: when the claim expires and another worker may take the job (crash recovery). */
  leaseUntil: string | null;
  lastError: string | null;
  /** The owner a conversion is done for: fair scheduling takes owners in turn. Null for jobs of no owner. */
  ownerId: string | null;
}

export interface EnqueueOptions {
  /** Not before this instant. */
  runAfter?: string;
  /** Whose work this is: conversions of one owner wait their turn behind other owners' (job-queue.ts). */
  ownerId?: string;
  /** A job id chosen by the caller: queuing the same id again does nothing (a continuation queued twice after a crash). */
  id?: string;
}

/** Metadata store: one implementation per database, same behaviour (SQLite embedded; PostgreSQL later). */
export interface MetadataStore {
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** A new owner (not an administrator unless `admin`); rejects a username already taken (unique). */
  createOwner(username: string, passwordHash: string, options?: { admin?: boolean }): Promise<Owner>;
  findOwnerByUsername(username: string): Promise<Owner | undefined>;
  getOwner(id: string): Promise<Owner | undefined>;
  /** Every owner, oldest first. */
  listOwners(): Promise<Owner[]>;
  countOwners(): Promise<number>;
  /**
   * Changes an owner. A new password hash, or disabling it, bumps its tokenVersion in the same
   * statement (revoking its tokens). Throws LastAdminError, writing nothing, when the change would
   * leave no enabled administrator. Undefined when there is no such owner.
   */
  updateOwner(id: string, changes: OwnerChanges): Promise<Owner | undefined>;
  /**
   * Deletes an owner with everything it owns (its Leaf users, batches, files, webhooks: cascades)
   * and, in the same transaction, queues `purgeBlobs` jobs for their stored bytes. Throws
   * LastAdminError for the last enabled administrator; false when there is no such owner.
   */
  deleteOwner(id: string): Promise<boolean>;

  createUser(user: Omit<LeafUser, 'id' | 'createdTime'>): Promise<LeafUser>;
  getUser(ownerId: string, id: string): Promise<LeafUser | undefined>;
  listUsers(ownerId: string, filter: { email?: string; name?: string; externalId?: string; page: number; size: number }): Promise<{ items: LeafUser[]; total: number }>;
  replaceUser(user: LeafUser): Promise<LeafUser | undefined>;
  /**
   * Deletes a Leaf user with its batches and file entries and, in the same transaction, queues
   * `purgeBlobs` jobs for their stored bytes (uploads and outputs), so that no crash leaves bytes
   * that nothing will ever remove. False, and nothing written, when the owner has no such user.
   */
  deleteUser(ownerId: string, id: string): Promise<boolean>;

  /** A batch alone, without a job (tools and tests); an upload uses createBatchWithJob. */
  createBatch(batch: NewBatch): Promise<Batch>;
  /**
   * A received upload: inserts the batch and queues its `convertBatch` job (payload `{batchId}`) in one
   * transaction, so that no crash can leave a batch that no job will ever convert. Both or neither.
   */
  createBatchWithJob(batch: NewBatch): Promise<Batch>;
  /**
   * Retry: sets an owner's PROCESSED or FAILED batch back to RECEIVED (statusDetails cleared) and queues
   * `convertBatch` with `{batchId, retry: true}`, in one transaction. Undefined, and nothing written, when
   * the batch is missing or not PROCESSED/FAILED (e.g. a concurrent retry got there first): at most one
   * job per batch at a time.
   */
  retryBatch(ownerId: string, id: string): Promise<Batch | undefined>;
  getBatch(ownerId: string, id: string): Promise<Batch | undefined>;
  listBatches(ownerId: string, page: number, size: number): Promise<{ items: Batch[]; total: number }>;
  /** `failures`, when given, replaces every failure of the batch. */
  updateBatch(id: string, changes: Partial<Pick<Batch, 'status' | 'statusDetails' | 'updatedTime' | 'failures'>> & { progress?: BatchProgress | null }): Promise<void>;
  /** Appends failures after the batch's others (a conversion in slices reports each slice's). */
  addBatchFailures(batchId: string, failures: readonly BatchFailure[]): Promise<void>;
  /** A page of a batch's failures in the order found, and how many there are. */
  listBatchFailures(batchId: string, page: number, size: number): Promise<{ items: BatchFailure[]; total: number }>;
  /** How many of an owner's batches are RECEIVED or PROCESSING (the upload quota). */
  countUnfinishedBatches(ownerId: string): Promise<number>;
  /** A batch by id alone, for job handlers (their payloads carry ids only); request handlers use the owner-scoped getBatch. */
  findBatch(id: string): Promise<Batch | undefined>;

  /** Inserts, or replaces the entry with the same (batchId, sourceKey): re-running a job never duplicates entries. */
  upsertFile(file: FileEntry): Promise<FileEntry>;
  getFile(ownerId: string, id: string): Promise<FileEntry | undefined>;
  listFiles(query: FileQuery): Promise<{ items: FileEntry[]; total: number }>;
  /** The same page as listFiles, ready to serve (FileListing). */
  listFileListings(query: FileQuery): Promise<{ items: FileListing[]; total: number }>;
  filesOfBatch(batchId: string): Promise<FileEntry[]>;
  /** The sourceKey and status of each entry of a batch, without their summaries (a batch converted in slices asks at every slice). */
  fileStatesOfBatch(batchId: string): Promise<{ sourceKey: string; status: FileStatus }[]>;
  updateFile(id: string, changes: Partial<FileEntry>): Promise<void>;
  /**
   * A new merged entry (no batch; status processing) and its `merge` job (payload `{fileId}`) in one
   * transaction: the entry can never be left processing with no job to finish it. Both or neither.
   */
  createMergedFileWithJob(file: FileEntry): Promise<FileEntry>;
  /** A file entry by id alone, for job handlers; request handlers use the owner-scoped getFile. */
  findFile(id: string): Promise<FileEntry | undefined>;

  /**
   * Registers a webhook. An event is held by at most one webhook of an owner, a guarantee of the
   * database (unique (owner, event)), not a check-then-insert: of two concurrent registrations of an
   * event, one fails with EventRegisteredTwiceError, and nothing of it is written. A deleted webhook frees its events.
   */
  createWebhook(webhook: Webhook): Promise<Webhook>;
  listWebhooks(ownerId: string): Promise<Webhook[]>;
  getWebhook(ownerId: string, id: string): Promise<Webhook | undefined>;
  deleteWebhook(ownerId: string, id: string): Promise<boolean>;
  recordFailedCall(call: FailedCall): Promise<void>;
  listFailedCalls(ownerId: string): Promise<FailedCall[]>;

  /**
   * Durable job queue: jobs survive restarts; a claim is a lease that expires if the worker dies.
   * A job that goes with a new record is queued by the method writing that record (createBatchWithJob,
   * createMergedFileWithJob, retryBatch), in its transaction; enqueue alone is for jobs of their own (deliveries).
   */
  enqueue(kind: JobKind, payload: Record<string, unknown>, runAfter?: string, options?: Omit<EnqueueOptions, 'runAfter'>): Promise<Job>;
  /** A job by id (the sweep of job scratch folders asks whether their job still runs). */
  findJob(id: string): Promise<Job | undefined>;
  /**
   * Claims a runnable job (queued and due, or running with an expired lease) for `leaseMs`: the
   * one of the lowest turn (conversions: owners in turn, job-queue.ts), then the oldest.
   */
  claimJob(kinds: readonly JobKind[], leaseMs: number): Promise<Job | undefined>;
  /*
   * The optional `attempt` (the `attempts` value the claim returned) fences the calls below: with it, they
   * act only while that claim still holds the job, so a worker whose lease expired and whose job was
   * claimed again cannot renew, complete or fail the new claim.
   */
  /** Extends a running job's lease (heartbeat); false when the job is no longer held (by that claim). */
  renewLease(jobId: string, leaseMs: number, attempt?: number): Promise<boolean>;
  completeJob(jobId: string, attempt?: number): Promise<void>;
  /** Fails an attempt: back to queued at `retryAt`, or `failed` for good when retryAt is undefined. */
  failJob(jobId: string, error: string, retryAt?: string, attempt?: number): Promise<void>;
  /**
   * Outbox relay to an external queue engine: the queued jobs of `kinds` that are due, in the
   * order claimJob would take them. The relay hands them to the engine, then marks them dispatched.
   */
  dueJobs(kinds: readonly JobKind[], limit: number): Promise<Job[]>;
  /** Marks queued jobs as handed to the engine; returns how many were still queued. */
  markDispatched(jobIds: readonly string[]): Promise<number>;
  /** Records the engine's final word on a dispatched job (done, or failed with its error). */
  finishDispatched(jobId: string, outcome: { state: 'done' } | { state: 'failed'; error: string }, attempts: number): Promise<void>;
}

/** Blob store: the uploaded zips and every output, by key (`batches/<id>/upload.zip`, `files/<id>/standard.geojson`). */
export interface BlobStore {
  /** Streams into the store; durable (fsynced) when the promise resolves. Returns the byte count. */
  put(key: string, data: Readable, options?: { maxBytes?: number }): Promise<number>;
  /** Copies a local file in (outputs written by the pipeline). */
  putFile(key: string, path: string): Promise<void>;
  /** A local path to read the blob with random access (zips); for remote stores a cached copy. */
  localPath(key: string): Promise<string>;
  /** Where a zip can be read with random access without copying it (a path, or an S3 object read by ranges). */
  locate(key: string): Promise<ZipLocator>;
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  size(key: string): Promise<number | undefined>;
  delete(prefix: string): Promise<void>;
  /**
   * A URL anyone holding it can GET the blob from (byte ranges included), for `expiresSeconds`,
   * answered with the given `Content-Disposition` (as the API names downloads) and `Content-Type`:
   * lets the API redirect downloads instead of relaying their bytes. Absent (or undefined returned)
   * when the store has no such URLs (the local folder). Does not check that the blob exists:
   * callers do, so a missing blob stays the API's 404.
   */
  presignedUrl?(key: string, options: { expiresSeconds: number; contentDisposition?: string; contentType?: string }): Promise<string | undefined>;
  /**
   * Removes what writes cut short by a killed process left behind (a partial upload's temporary
   * file, an S3 multipart upload never completed), untouched for `olderThanMs`. Returns how many.
   */
  sweepPartial?(olderThanMs: number): Promise<number>;
}
