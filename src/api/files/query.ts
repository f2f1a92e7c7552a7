import { FILE_SORT_FIELDS, type FileQuery, type FileSortField } from '../../store/types.ts';
import { paging } from '../paging.ts';
import { badRequest } from '../problem.ts';
import type { FileListQueryType } from './schemas.ts';

type Sort = FileQuery['sort'];

/**
 * Spring Data's `sort` parameters: each `field[,field…][,asc|desc]`, repeatable, earlier ones
 * first. `id` is always added last so that pages never overlap or skip entries that tie.
 */
export function parseSort(values: readonly string[] | undefined): Sort {
  const sort: Sort = [];
  for (const value of values ?? []) {
    const tokens = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const last = tokens.at(-1)?.toLowerCase();
    const direction = last === 'asc' || last === 'desc' ? last : 'asc';
    if (last === 'asc' || last === 'desc') tokens.pop();
    for (const field of tokens) {
      if (!(FILE_SORT_FIELDS as readonly string[]).includes(field)) throw badRequest(`Cannot sort by "${field}"; sortable fields: ${FILE_SORT_FIELDS.join(', ')}`);
      if (!sort.some((s) => s.field === field)) sort.push({ field: field as FileSortField, direction });
    }
  }
  if (sort.length === 0) sort.push({ field: 'createdTime', direction: 'asc' });
  if (!sort.some((s) => s.field === 'id')) sort.push({ field: 'id', direction: 'asc' });
  return sort;
}

/** Instants compared as UTC ISO strings, whatever offset the client wrote. */
function instant(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

export function fileQuery(ownerId: string, query: FileListQueryType): FileQuery {
  return {
    ownerId,
    leafUserId: query.leafUserId,
    provider: query.provider,
    status: query.status,
    origin: query.origin,
    batchId: query.batchId,
    operationType: query.operationType,
    createdTime: instant(query.createdTime),
    startTime: instant(query.startTime),
    updatedTime: instant(query.updatedTime),
    endTime: instant(query.endTime),
    minArea: query.minArea,
    sort: parseSort(query.sort),
    ...paging(query),
  };
}
