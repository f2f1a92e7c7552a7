import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { blobPath } from './blob-keys.ts';
import type { BlobStore } from './types.ts';

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the data is larger than the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobNotFoundError extends Error {
  readonly code = 'ENOENT';
  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** A directory's entries (a new or renamed file) survive a power cut only once the directory itself is fsynced. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` and makes every folder it had to create durable in its parent. */
async function makeDirectory(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const created: string[] = [];
  for (let path = dir; path.length >= first.length; path = dirname(path)) created.push(path);
  for (const path of [dirname(first), ...created.reverse()]) await syncDirectory(path);
}

/** A temporary name beside the target: rename() is atomic only within one file system. */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
}

const TEMP_NAME = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Readers see either the old blob or the complete new one, never a part: written aside, fsynced, renamed into place, directory fsynced. */
async function commit(temp: string, target: string): Promise<void> {
  await rename(temp, target);
  await syncDirectory(dirname(target));
}

/** The embedded blob store: one file per key under `root`. */
export function createLocalBlobStore(root: string): BlobStore {
  const base = resolve(root);

  const store: BlobStore = {
    async put(key, data: Readable, options = {}) {
      const target = blobPath(base, key);
      await makeDirectory(dirname(target));
      const temp = tempPathFor(target);
      const handle = await open(temp, 'wx');
      let bytes = 0;
      try {
        // Leaving the loop early (limit, write error) destroys `data`: an oversized upload stops being read.
        for await (const chunk of data) {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
          bytes += buffer.length;
          if (options.maxBytes !== undefined && bytes > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
          for (let offset = 0; offset < buffer.length; ) offset += (await handle.write(buffer, offset)).bytesWritten;
        }
        await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw error;
      }
      await handle.close();
      await commit(temp, target);
      return bytes;
    },

    async putFile(key, path) {
      const target = blobPath(base, key);
      await makeDirectory(dirname(target));
      const temp = tempPathFor(target);
      try {
        await copyFile(path, temp, fsConstants.COPYFILE_FICLONE);
        const handle = await open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await commit(temp, target);
    },

    async localPath(key) {
      const path = blobPath(base, key);
      try {
        if ((await stat(path)).isFile()) return path;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      throw new BlobNotFoundError(key);
    },

    locate: (key) => store.localPath(key),

    async get(key, range) {
      const path = blobPath(base, key);
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
        throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
      }
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        throw isNotFound(error) ? new BlobNotFoundError(key) : error;
      }
      // Both ends inclusive, as in an HTTP Range header.
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },

    async size(key) {
      try {
        const info = await stat(blobPath(base, key));
        return info.isFile() ? info.size : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async delete(prefix) {
      const path = blobPath(base, prefix, { prefix: true });
      if (prefix.endsWith('/')) {
        await rm(path, { recursive: true, force: true });
        return;
      }
      // A prefix that ends inside a name (`files/ab`) removes every key that starts with it.
      let names: string[];
      try {
        names = await readdir(dirname(path));
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      const start = basename(path);
      for (const name of names) if (name.startsWith(start)) await rm(join(dirname(path), name), { recursive: true, force: true });
    },

    async sweepPartial(olderThanMs) {
      // A write in progress touches its file all the time; one untouched for long was cut short by a killed process.
      let entries;
      try {
        entries = await readdir(base, { recursive: true, withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return 0;
        throw error;
      }
      let removed = 0;
      const before = Date.now() - olderThanMs;
      for (const entry of entries) {
        if (!entry.isFile() || !TEMP_NAME.test(entry.name)) continue;
        const path = join(entry.parentPath, entry.name);
        try {
          if ((await stat(path)).mtimeMs >= before) continue;
          await rm(path, { force: true });
          removed++;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      return removed;
    },
  };
  return store;
}
