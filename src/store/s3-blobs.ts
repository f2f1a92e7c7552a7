import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Location } from '../config.ts';
import { blobPath } from './blob-keys.ts';
import { BlobNotFoundError, BlobTooLargeError } from './local-blobs.ts';
import type { BlobStore } from './types.ts';

/** Multipart part size: S3's minimum is 5 MiB; 8 MiB parts keep a 3 GiB upload under 400 parts. */
const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per upload: bounds memory to PART_SIZE × this. */
const QUEUE_SIZE = 4;
/** A multipart upload's age counts from its start, not its last part: a slow 3 GiB upload may take hours. */
const STALE_MULTIPART_MS = 24 * 60 * 60 * 1000;

export function s3Client(location: S3Location): S3Client {
  // Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles).
  return new S3Client({ region: location.region, endpoint: location.endpoint, forcePathStyle: location.forcePathStyle });
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);
}

/**
 * The scale-out blob store: an S3 bucket (AWS or any S3-compatible server). Uploads stream into
 * multipart uploads (an aborted or oversized one leaves no object); reads stream, ranges included.
 * Keys are checked with the same rules as the local store so both accept the same keys.
 */
export function createS3BlobStore(location: S3Location, options: { client?: S3Client; cacheDir: string }): BlobStore {
  const client = options.client ?? s3Client(location);
  const { bucket } = location;
  const objectKey = (key: string, prefix = false) => {
    // The local store's key rules, checked against a root that is never used.
    blobPath('/s3', key, { prefix });
    return location.prefix + key;
  };

  async function upload(key: string, body: Readable): Promise<void> {
    const upload = new Upload({ client, params: { Bucket: bucket, Key: objectKey(key), Body: body }, partSize: PART_SIZE, queueSize: QUEUE_SIZE, leavePartsOnError: false });
    await upload.done();
  }

  const store: BlobStore = {
    async put(key, data, opts = {}) {
      let bytes = 0;
      let tooLarge: BlobTooLargeError | undefined;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
            tooLarge = new BlobTooLargeError(opts.maxBytes);
            return callback(tooLarge);
          }
          callback(null, chunk);
        },
      });
      data.on('error', (error) => counter.destroy(error));
      try {
        await upload(key, data.pipe(counter));
      } catch (error) {
        data.destroy();
        throw tooLarge ?? error;
      }
      return bytes;
    },

    async putFile(key, path) {
      await upload(key, createReadStream(path, { highWaterMark: 1 << 20 }));
    },

    async localPath(key) {
      // A cached copy for callers that need a file; the conversion reads zips by range instead (s3-range-reader.ts).
      const target = blobPath(options.cacheDir, key);
      try {
        if ((await stat(target)).isFile()) return target;
      } catch {
        // not cached yet
      }
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.${Date.now()}.part`;
      try {
        await pipeline(await store.get(key), createWriteStream(temp));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return target;
    },

    locate: async (key) => ({ s3: location, objectKey: objectKey(key) }),

    async get(key, range) {
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
        throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
      }
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
        return result.Body as Readable;
      } catch (error) {
        if (isNotFound(error)) throw new BlobNotFoundError(key);
        throw error;
      }
    },

    async size(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return head.ContentLength;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async delete(prefix) {
      const full = objectKey(prefix, true);
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: full, ContinuationToken: token }));
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      await rm(join(options.cacheDir, prefix), { recursive: true, force: true }).catch(() => {});
    },

    async sweepPartial(olderThanMs) {
      let removed = 0;
      // Multipart uploads a killed process never completed nor aborted: their parts are billed until aborted.
      const before = Date.now() - Math.max(olderThanMs, STALE_MULTIPART_MS);
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      do {
        const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: location.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
        for (const upload of page.Uploads ?? []) {
          if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= before) continue;
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
          removed++;
        }
        [keyMarker, uploadIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextUploadIdMarker] : [undefined, undefined];
      } while (keyMarker !== undefined);
      // Cached copies cut short (localPath's `.part` files).
      const cacheBefore = Date.now() - olderThanMs;
      const cached = await readdir(options.cacheDir, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const entry of cached) {
        if (!entry.isFile() || !entry.name.endsWith('.part')) continue;
        const path = join(entry.parentPath, entry.name);
        const info = await stat(path).catch(() => undefined);
        if (!info || info.mtimeMs >= cacheBefore) continue;
        await rm(path, { force: true });
        removed++;
      }
      return removed;
    },

    async presignedUrl(key, { expiresSeconds, contentDisposition, contentType }) {
      // Signed locally (no request to S3), for the client's endpoint: it must be one the API's clients can reach too.
      const command = new GetObjectCommand({ Bucket: bucket, Key: objectKey(key), ResponseContentDisposition: contentDisposition, ResponseContentType: contentType });
      return getSignedUrl(client, command, { expiresIn: expiresSeconds });
    },
  };
  return store;
}
