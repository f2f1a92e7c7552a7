/*
 * The tables as Kysely sees them. Column types are the ones both SQLite and PostgreSQL return
 * through their drivers (PostgreSQL's bigint arrives as a string, hence `number | string`);
 * JSON values are stored as text and parsed in rows.ts only. Times are ISO 8601 UTC text
 * written by toISOString(), so that text order is time order.
 */

export interface OwnersTable {
  id: string;
  username: string;
  password_hash: string;
  created_time: string;
  /** 0 or 1: may manage other owners. */
  admin: number;
  /** 0 or 1: may not log in, and its tokens are refused. */
  disabled: number;
  /** Carried in each token; bumping it revokes every token issued before. */
  token_version: number;
}

export interface LeafUsersTable {
  id: string;
  owner_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  external_id: string | null;
  /** JSON object. */
  credentials: string;
  created_time: string;
}

export interface BatchesTable {
  id: string;
  owner_id: string;
  leaf_user_id: string;
  file_name: string;
  size: number | string;
  provider: string;
  status: string;
  status_details: string | null;
  upload_timestamp: string;
  updated_time: string;
  blob_key: string;
  /** JSON array of {path, reason}: the first failures only (FAILURE_PREVIEW); every one is in batch_failures. */
  failures: string;
  failure_count: number;
  /** JSON BatchProgress, null until a conversion reports. */
  progress: string | null;
}

/** Every failure of a batch, in the order found. */
export interface BatchFailuresTable {
  batch_id: string;
  position: number;
  path: string;
  reason: string;
}

export interface FilesTable {
  id: string;
  owner_id: string;
  leaf_user_id: string;
  batch_id: string | null;
  origin: string;
  provider: string;
  machine_brand: string | null;
  file_format: string;
  file_name: string;
  status: string;
  status_details: string | null;
  operation_type: string;
  created_time: string;
  updated_time: string;
  start_time: string | null;
  end_time: string | null;
  size_in_bytes: number | string;
  area_m2: number | null;
  /** JSON array of file ids. */
  sources: string;
  /** JSON (GeoJSON Feature) or null. */
  summary: string | null;
  /** JSON object or null. */
  units: string | null;
  /** JSON object. */
  steps: string;
  /** JSON array. */
  warnings: string;
  source_key: string;
  blob_prefix: string;
}

export interface WebhooksTable {
  id: string;
  owner_id: string;
  name: string;
  url: string;
  secret: string;
  /** JSON array of event names. */
  events: string;
  created_time: string;
}

/**
 * One row per event a webhook subscribes to. Its primary key (owner_id, event) lets only one
 * webhook of an owner hold an event, whatever the timing of two registrations; `webhooks.events`
 * stays the list read back.
 */
export interface WebhookEventsTable {
  owner_id: string;
  event: string;
  webhook_id: string;
}

export interface FailedCallsTable {
  id: string;
  owner_id: string;
  webhook_id: string;
  created_at: string;
  url: string;
  status: number | null;
  response: string | null;
  request_body: string;
  connection_error: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  /** JSON object. */
  payload: string;
  state: string;
  attempts: number;
  run_after: string;
  lease_until: string | null;
  last_error: string | null;
  created_time: string;
  updated_time: string;
  /** The owner a conversion is done for (fair scheduling); null for jobs of no owner (deliveries, purges). */
  owner_id: string | null;
  /** Claim order of fair jobs: the lower first (job-queue.ts); 0 for the others. */
  turn: number;
}

/** Entries per combination of GET /files's categorical filters, kept by triggers on files (migration 0005). */
export interface FileCountsTable {
  owner_id: string;
  leaf_user_id: string;
  status: string;
  origin: string;
  operation_type: string;
  provider: string;
  n: number | string;
}

export interface Database {
  owners: OwnersTable;
  leaf_users: LeafUsersTable;
  batches: BatchesTable;
  batch_failures: BatchFailuresTable;
  files: FilesTable;
  file_counts: FileCountsTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  failed_calls: FailedCallsTable;
  jobs: JobsTable;
}
