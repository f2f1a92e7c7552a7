import type { FileEntry } from '../../store/types.ts';
import { newMergedEntry } from '../../jobs/merged-entry.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest } from '../problem.ts';

function mergeRefused(detail: string) {
  return badRequest(detail, 'mergeNotAllowed', 'file');
}

/** The rule shared by every source of a merge, or the reason they cannot be merged (Leaf answers 400). */
async function mergeSources(deps: ApiDeps, ownerId: string, ids: string[]): Promise<FileEntry[]> {
  const unique = [...new Set(ids)];
  if (unique.length < 2) throw mergeRefused('Merging needs at least two different file ids');
  const files: FileEntry[] = [];
  for (const id of unique) {
    const file = await deps.store.getFile(ownerId, id);
    // Another owner's file reads as missing, as everywhere else.
    if (!file) throw mergeRefused(`File ${id} not found`);
    if (file.status !== 'processed') throw mergeRefused(`File ${id} is ${file.status}; only processed files can be merged`);
    files.push(file);
  }
  const [first] = files;
  if (files.some((f) => f.leafUserId !== first!.leafUserId)) throw mergeRefused('All files must belong to the same Leaf user');
  if (files.some((f) => f.operationType !== first!.operationType)) throw mergeRefused('All files must have the same operation type');
  return files;
}

/** Creates the merged entry (processing until the worker has built it) and queues the merge job, in one transaction. */
export async function startMerge(deps: ApiDeps, ownerId: string, ids: string[]): Promise<FileEntry> {
  return deps.store.createMergedFileWithJob(newMergedEntry(ownerId, await mergeSources(deps, ownerId, ids)));
}
