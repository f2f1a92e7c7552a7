import type { Kysely, SelectQueryBuilder } from 'kysely';
import { isoTime, LISTING_COLUMNS } from './rows.ts';
import type { Database, FilesTable } from './schema.ts';
import type { FileQuery, FileSortField } from './types.ts';

type FilesQuery<O> = SelectQueryBuilder<Database, 'files', O>;

/**
 * Sort fields → columns. Files carry no provider organization yet (John Deere only), so
 * sorting by `organizationId` orders them all alike and leaves the order to the next keys.
 */
const SORT_COLUMNS: Record<Exclude<FileSortField, 'organizationId'>, keyof FilesTable> = {
  id: 'id',
  fileName: 'file_name',
  createdTime: 'created_time',
  updatedTime: 'updated_time',
  origin: 'origin',
  leafUserId: 'leaf_user_id',
  sizeInBytes: 'size_in_bytes',
  provider: 'provider',
  fileFormat: 'file_format',
};

/** Every filter of GET /files (leaf-api.md §2.3), always within one owner. */
function filtered<O>(query: FilesQuery<O>, q: FileQuery): FilesQuery<O> {
  let result = query.where('owner_id', '=', q.ownerId);
  if (q.leafUserId !== undefined) result = result.where('leaf_user_id', '=', q.leafUserId);
  if (q.provider !== undefined) result = result.where('provider', '=', q.provider);
  if (q.status !== undefined) result = result.where('status', '=', q.status);
  if (q.origin !== undefined) result = result.where('origin', '=', q.origin);
  if (q.batchId !== undefined) result = result.where('batch_id', '=', q.batchId);
  if (q.operationType !== undefined) result = result.where('operation_type', '=', q.operationType);
  if (q.createdTime !== undefined) result = result.where('created_time', '>=', isoTime(q.createdTime));
  if (q.startTime !== undefined) result = result.where('start_time', '>=', isoTime(q.startTime));
  if (q.updatedTime !== undefined) result = result.where('updated_time', '>=', isoTime(q.updatedTime));
  if (q.endTime !== undefined) result = result.where('end_time', '<=', isoTime(q.endTime));
  if (q.minArea !== undefined) result = result.where('area_m2', '>=', q.minArea);
  return result;
}

/** The requested keys in priority order, then id: equal keys must not reorder between pages. `reversed` flips every key (the same order read from its end). */
function sorted<O>(query: FilesQuery<O>, q: FileQuery, reversed = false): FilesQuery<O> {
  const flip = (direction: 'asc' | 'desc') => (reversed ? (direction === 'asc' ? 'desc' : 'asc') : direction);
  let result = query;
  let byId = false;
  for (const { field, direction } of q.sort) {
    if (field === 'organizationId') continue;
    result = result.orderBy(SORT_COLUMNS[field], flip(direction));
    if (field === 'id') {
      byId = true;
      break;
    }
  }
  return byId ? result : result.orderBy('id', flip('asc'));
}

/**
 * Past this offset a page's ids are found first, in the index alone (rows skipped whole would each
 * be read from the table), then only its rows; and a page in the second half is read from the end.
 */
const DEFERRED_OFFSET = 2000;


/** The filters file_counts (migration 0005) has a column for; a query using only these is counted there. */
function countedByDimensions(q: FileQuery): boolean {
  return q.batchId === undefined && q.createdTime === undefined && q.startTime === undefined && q.updatedTime === undefined && q.endTime === undefined && q.minArea === undefined;
}

/** X-Total-Count: a sum over the few file_counts rows of the owner that match, or a count of the matching entries when a filter is not one of its columns. */
async function countFiles(db: Kysely<Database>, q: FileQuery): Promise<number> {
  if (countedByDimensions(q)) {
    let counts = db.selectFrom('file_counts').select((eb) => eb.fn.sum<number | string | null>('n').as('total')).where('owner_id', '=', q.ownerId);
    if (q.leafUserId !== undefined) counts = counts.where('leaf_user_id', '=', q.leafUserId);
    if (q.provider !== undefined) counts = counts.where('provider', '=', q.provider);
    if (q.status !== undefined) counts = counts.where('status', '=', q.status);
    if (q.origin !== undefined) counts = counts.where('origin', '=', q.origin);
    if (q.operationType !== undefined) counts = counts.where('operation_type', '=', q.operationType);
    const { total } = await counts.executeTakeFirstOrThrow();
    return Number(total ?? 0);
  }
  const count = await filtered(db.selectFrom('files').select((eb) => eb.fn.countAll().as('total')), q).executeTakeFirstOrThrow();
  return Number(count.total);
}

/**
 * The ids of a deep page, from the index alone. A page in the second half is read from the end of
 * the order (the last page skips nothing instead of every entry before it), which needs the total.
 */
async function deepPageIds(db: Kysely<Database>, q: FileQuery, offset: number, total: number): Promise<string[]> {
  const ids = filtered(db.selectFrom('files').select('id'), q);
  if (offset < total / 2) return (await sorted(ids, q).limit(q.size).offset(offset).execute()).map((r) => r.id);
  const end = Math.min(total, offset + q.size);
  if (end <= offset) return [];
  return (await sorted(ids, q, true).limit(end - offset).offset(total - end).execute()).map((r) => r.id).reverse();
}

async function pageRows(db: Kysely<Database>, q: FileQuery, total: number) {
  const offset = q.page * q.size;
  if (offset < DEFERRED_OFFSET) return sorted(filtered(db.selectFrom('files').select(LISTING_COLUMNS), q), q).limit(q.size).offset(offset).execute();
  const ids = await deepPageIds(db, q, offset, total);
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('files').select(LISTING_COLUMNS).where('id', 'in', ids).execute();
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

export async function listFiles(db: Kysely<Database>, q: FileQuery) {
  const [rows, total] = await Promise.all([sorted(filtered(db.selectFrom('files').selectAll(), q), q).limit(q.size).offset(q.page * q.size).execute(), countFiles(db, q)]);
  return { rows, total };
}

/** One page of GET /files as it is served: without units, summaries as stored text (FileListing). */
export async function listFileListings(db: Kysely<Database>, q: FileQuery) {
  if (q.page * q.size < DEFERRED_OFFSET) {
    const [rows, total] = await Promise.all([pageRows(db, q, Number.NaN), countFiles(db, q)]);
    return { rows, total };
  }
  const total = await countFiles(db, q);
  return { rows: await pageRows(db, q, total), total };
}
