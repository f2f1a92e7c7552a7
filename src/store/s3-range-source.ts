import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ByteSource } from '../formats/byte-source.ts';

/**
 * Reads an S3 object by range requests, so a 3 GB upload's zip directory and entries are read
 * where they lie, never downloaded whole. Small reads (yauzl reads the central directory one
 * record at a time) are served from a few cached blocks: one request per block, not per record.
 */
const BLOCK = 256 * 1024;
const CACHED_BLOCKS = 32;

export async function openS3Source(client: S3Client, bucket: string, key: string): Promise<ByteSource> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  // Recently used blocks, oldest first (a Map keeps insertion order).
  const blocks = new Map<number, Promise<Buffer>>();

  async function range(start: number, endExclusive: number): Promise<Buffer> {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${endExclusive - 1}` }));
    const chunks: Buffer[] = [];
    for await (const chunk of result.Body as Readable) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  function block(index: number): Promise<Buffer> {
    let cached = blocks.get(index);
    if (cached) {
      blocks.delete(index);
    } else {
      cached = range(index * BLOCK, Math.min(size, (index + 1) * BLOCK));
      // A failed request is not kept: the next read asks again.
      cached.catch(() => blocks.delete(index));
    }
    blocks.set(index, cached);
    while (blocks.size > CACHED_BLOCKS) blocks.delete(blocks.keys().next().value!);
    return cached;
  }

  return {
    name: `s3://${bucket}/${key}`,
    size,
    async read(buffer, offset, length, position) {
      if (position + length > size) throw new Error('unexpected end of file');
      // Large reads go straight to S3; small ones through the block cache.
      if (length > BLOCK) {
        (await range(position, position + length)).copy(buffer, offset);
        return;
      }
      for (let done = 0; done < length; ) {
        const at = position + done;
        const data = await block(Math.floor(at / BLOCK));
        const from = at % BLOCK;
        const n = Math.min(length - done, data.length - from);
        if (n <= 0) throw new Error('unexpected end of file');
        data.copy(buffer, offset + done, from, from + n);
        done += n;
      }
    },
    stream(start, end) {
      const out = new PassThrough({ highWaterMark: 1 << 20 });
      if (end <= start) {
        out.end();
        return out;
      }
      client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` })).then(
        (result) => {
          const body = result.Body as Readable;
          body.on('error', (error) => out.destroy(error));
          // An entry's reader that stops early (a sniff) must not leave the HTTP body open.
          out.on('close', () => body.destroy());
          body.pipe(out);
        },
        (error: Error) => out.destroy(error),
      );
      return out;
    },
    async close() {
      blocks.clear();
    },
  };
}
