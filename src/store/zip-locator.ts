import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from '../config.ts';
import type { ByteSource } from '../formats/byte-source.ts';
import { s3Client } from './s3-blobs.ts';
import { openS3Source } from './s3-range-source.ts';

/**
 * Where an uploaded zip can be read with random access, as plain data that crosses to the
 * conversion threads: a local path, or an S3 object read by range requests.
 */
export type ZipLocator = string | { s3: S3Location; objectKey: string };

/** One client per bucket location and thread: the SDK pools its connections. */
const clients = new Map<string, S3Client>();

/** What the archive walker opens: the path itself, or a fresh range-reading source (each open gets its own; closing the zip closes it). */
export async function openLocatedZip(locator: ZipLocator): Promise<string | ByteSource> {
  if (typeof locator === 'string') return locator;
  const id = JSON.stringify(locator.s3);
  let client = clients.get(id);
  if (!client) {
    client = s3Client(locator.s3);
    clients.set(id, client);
  }
  return openS3Source(client, locator.s3.bucket, locator.objectKey);
}
