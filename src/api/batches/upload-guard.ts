import { Transform, type TransformCallback } from 'node:stream';

/*
 * Checks an upload while it streams into the blob store, so a bad one is refused without
 * being read to the end or held in memory: the first bytes must be a zip signature and the
 * total must stay within the limit.
 */

/** A local file header; an empty archive starts with its end-of-central-directory record; spanned archives with a marker. */
const ZIP_SIGNATURES = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1'), Buffer.from('PK\x07\x08', 'latin1')];

export type UploadRejection = { reason: 'notZip' } | { reason: 'tooLarge'; limit: number };

export class UploadGuard extends Transform {
  bytes = 0;
  rejection: UploadRejection | undefined;
  private head = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return this.reject({ reason: 'tooLarge', limit: this.maxBytes }, callback);
    if (this.head.length < 4) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 4 - this.head.length)]);
      if (this.head.length === 4 && !ZIP_SIGNATURES.some((s) => s.equals(this.head))) return this.reject({ reason: 'notZip' }, callback);
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.head.length < 4) return this.reject({ reason: 'notZip' }, callback);
    callback();
  }

  private reject(rejection: UploadRejection, callback: TransformCallback): void {
    this.rejection = rejection;
    callback(new Error(rejection.reason === 'notZip' ? 'upload is not a zip' : `upload exceeds ${rejection.limit} bytes`));
  }
}
