import { isAbsolute, resolve, sep } from 'node:path';

/**
 * Turns a blob key (`files/<id>/standard.geojson`) into a path under `root`, refusing any key
 * that could name something outside it or be read two ways: `..` or `.` segments, empty
 * segments, backslashes (a separator on Windows), NUL bytes, absolute paths. With
 * `prefix: true` a trailing `/` is allowed, for `delete(prefix)`.
 */
export function blobPath(root: string, key: string, options: { prefix?: boolean } = {}): string {
  const body = options.prefix && key.endsWith('/') ? key.slice(0, -1) : key;
  const problem =
    body === ''
      ? 'it is empty'
      : key.includes('\\')
        ? 'it contains a backslash'
        : key.includes('\0')
          ? 'it contains a NUL byte'
          : key.startsWith('/') || isAbsolute(key)
            ? 'it is an absolute path'
            : body.split('/').some((part) => part === '' || part === '.' || part === '..')
              ? 'it has an empty, "." or ".." segment'
              : undefined;
  if (problem) throw new Error(`invalid blob key "${key}": ${problem}`);
  const base = resolve(root);
  const path = resolve(base, body);
  // Belt and braces: whatever the checks above missed, nothing resolves outside the root.
  if (!path.startsWith(base + sep)) throw new Error(`invalid blob key "${key}": it resolves outside the blob store`);
  return path;
}

/** Where a batch keeps its bytes (the upload), without the trailing `/`. */
export function batchBlobPrefix(batchId: string): string {
  return `batches/${batchId}`;
}

/** The key of a batch's uploaded zip. */
export function uploadKey(batchId: string): string {
  return `${batchBlobPrefix(batchId)}/upload.zip`;
}

/** Where a file entry keeps its outputs, without the trailing `/`. */
export function fileBlobPrefix(fileId: string): string {
  return `files/${fileId}`;
}
