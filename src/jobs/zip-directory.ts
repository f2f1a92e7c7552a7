import { createReadStream, read as fsRead, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/*
 * Reads a zip's central directory (names and declared sizes, nothing inflated) for the upload
 * checks. formats/archive.ts opens zips the same way but keeps its opener private and does
 * not expose compressed sizes; exporting both from there would remove the copy of the
 * leading-junk handling below.
 */

export interface DirectoryEntry {
  /** Raw name with backslashes read as "/", as yauzl does for the converter. */
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  open(): Promise<Readable>;
}

export interface ZipDirectory {
  entries(): AsyncGenerator<DirectoryEntry>;
  close(): void;
}

/** Positioned reads over the file, hiding `shift` leading bytes that a tool prepended (offsets in the zip count from its own start). */
class ShiftedReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly shift: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream(this.file, { start: start + this.shift, end: end + this.shift - 1 });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    fsRead(this.fd, buffer, offset, length, position + this.shift, (error, bytesRead) => callback(error ?? (bytesRead < length ? new Error('unexpected end of file') : null)));
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

/** How many junk bytes precede the zip: where the end record says the directory starts versus where it is. */
async function leadingJunk(handle: fsp.FileHandle, size: number): Promise<number> {
  const length = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  for (let i = length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue;
    const eocdAt = size - length + i;
    const cdOffset = tail.readUInt32LE(i + 16);
    if (cdOffset === 0xffffffff && i >= 20 && tail.readUInt32LE(i - 20) === ZIP64_LOCATOR) {
      const recorded = Number(tail.readBigUInt64LE(i - 20 + 8));
      // Without extensible data the ZIP64 end record (56 bytes) sits right before its locator.
      const actual = eocdAt - 20 - 56;
      const probe = Buffer.alloc(4);
      if (actual >= 0) await handle.read(probe, 0, 4, actual);
      return actual >= 0 && probe.readUInt32LE(0) === ZIP64_EOCD && actual > recorded ? actual - recorded : 0;
    }
    const shift = eocdAt - tail.readUInt32LE(i + 12) - cdOffset;
    return shift > 0 ? shift : 0;
  }
  return 0;
}

export async function openZipDirectory(file: string): Promise<ZipDirectory> {
  const handle = await fsp.open(file, 'r');
  let zip: yauzl.ZipFile;
  try {
    const { size } = await handle.stat();
    const shift = await leadingJunk(handle, size);
    const reader = new ShiftedReader(file, handle.fd, shift);
    // Raw names: yauzl would stop at the first unsafe name with an error; the checks want to name it themselves.
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(reader, size - shift, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, z) => (error ? reject(error) : resolve(z))),
    );
    reader.on('close', () => void handle.close());
  } catch (error) {
    await handle.close();
    throw error;
  }

  const nextEntry = () =>
    new Promise<yauzl.Entry | null>((resolve, reject) => {
      const done = (value: yauzl.Entry | null, error?: Error) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        if (error) reject(error);
        else resolve(value);
      };
      const onEntry = (entry: yauzl.Entry) => done(entry);
      const onEnd = () => done(null);
      const onError = (error: Error) => done(null, error);
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });

  return {
    async *entries() {
      for (let entry = await nextEntry(); entry !== null; entry = await nextEntry()) {
        const raw = entry.fileName as unknown as Buffer;
        const current = entry;
        yield {
          name: raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1').replace(/\\/g, '/'),
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          encrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
          open: () => new Promise<Readable>((resolve, reject) => zip.openReadStream(current, (error, stream) => (error ? reject(error) : resolve(stream)))),
        };
      }
    },
    close: () => zip.close(),
  };
}
