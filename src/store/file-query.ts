import type { Kysely, SelectQueryBuilder } from 'kysely';
import { isoTime } from './rows.ts';
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

/** The requested keys in priority order, then id: equal keys must not reorder between pages. */
function sorted<O>(query: FilesQuery<O>, q: FileQuery): FilesQuery<O> {
  let result = query;
  let byId = false;
  for (const { field, direction } of q.sort) {
    if (field === 'organizationId') continue;
    result = result.orderBy(SORT_COLUMNS[field], direction);
    if (field === 'id') {
      byId = true;
      break;
    }
  }
  return byId ? result : result.orderBy('id', 'asc');
}

export async function listFiles(db: Kysely<Database>, q: FileQuery) {
  const rows = await sorted(filtered(db.selectFrom('files').selectAll(), q), q)
    .limit(q.size)
    .offset(q.page * q.size)
    .execute();
  const count = await filtered(db.selectFrom('files').select((eb) => eb.fn.countAll().as('total')), q).executeTakeFirstOrThrow();
  return { rows, total: Number(count.total) };
}
