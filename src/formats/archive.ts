import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { openFileSource, type ByteSource } from './byte-source.ts';
import { checkedStream, DamagedEntryError, oversizeError, DEFAULT_ENTRY_LIMITS, EntryCheck, InflateBudget, type EntryLimits } from './entry-check.ts';
import type { ArchiveEntry } from './types.ts';

export interface ArchiveFailure {
  path: string;
  reason: string;
}

export interface Archive {
  entries: ArchiveEntry[];
  /** Parts of the archive that could not be opened (corrupt nested zip, encrypted entry, ...). */
  failures: ArchiveFailure[];
  close(): Promise<void>;
}

export interface ArchiveOptions {
  /** How many levels of zips inside the top-level zip are opened (Leaf opens two). */
  maxNestedDepth?: number;
  /** Caps on what entries may inflate to; every read of an entry stops at them. */
  limits?: EntryLimits;
  /** Where nested zips are spooled (a job's scratch folder, swept at start); a fresh folder in the system's temp folder otherwise. */
  tempDir?: string;
}

/** Leaf opens zips nested two levels deep; deeper ones are reported, not opened. */
const DEFAULT_NESTED_DEPTH = 2;
/** yauzl's default inflate stream reads 16 KiB at a time; a 1 MiB inflate chunk doubles throughput (libraries.md §3c). */
const INFLATE_CHUNK = 1 << 20;
/** Node reads files 64 KiB at a time by default; 1 MiB reads cut the per-chunk overhead of large timelogs (bench/README.md). */
const READ_CHUNK = 1 << 20;

/** macOS resource forks and Finder files that zips made on a Mac carry; never data. */
export function isJunkPath(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1] ?? '';
  return (
    parts.some((p) => p === '__MACOSX' || p === '_MACOSX') ||
    base.startsWith('._') ||
    base === '.DS_Store' ||
    base === 'Thumbs.db'
  );
}

function isZipName(path: string): boolean {
  return path.toLowerCase().endsWith('.zip');
}

/**
 * Opens a zip (a file, or any random-access source such as an S3 object) or a folder and lists
 * every file inside, descending into nested zips, without extracting anything: entries are opened
 * on demand as streams.
 */
export async function openArchive(input: string | ByteSource, options: ArchiveOptions = {}): Promise<Archive> {
  const walker = new ArchiveWalker(options.maxNestedDepth ?? DEFAULT_NESTED_DEPTH, new InflateBudget(options.limits ?? DEFAULT_ENTRY_LIMITS), options.tempDir);
  try {
    if (typeof input !== 'string') await walker.addZipFile(input, '', 0);
    else if ((await fsp.stat(input)).isDirectory()) await walker.addFolder(input);
    else await walker.addZipFile(input, '', 0);
  } catch (error) {
    await walker.close();
    throw error;
  }
  return { entries: walker.entries, failures: walker.failures, close: () => walker.close() };
}

class ArchiveWalker {
  readonly entries: ArchiveEntry[] = [];
  readonly failures: ArchiveFailure[] = [];
  private readonly openZips: yauzl.ZipFile[] = [];
  private tempDir: string | undefined;
  private tempCount = 0;

  constructor(
    private readonly maxNestedDepth: number,
    private readonly budget: InflateBudget,
    private readonly spoolDir: string | undefined,
  ) {}

  async addFolder(root: string): Promise<void> {
    const files = await fsp.readdir(root, { recursive: true, withFileTypes: true });
    const sorted = files
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? d.path, d.name))
      .sort();
    for (const file of sorted) {
      const innerPath = relative(root, file).split(sep).join('/');
      if (isJunkPath(innerPath)) continue;
      if (isZipName(innerPath)) {
        await this.addZipFile(file, innerPath + '!/', 1);
        continue;
      }
      const { size } = await fsp.stat(file);
      this.entries.push({ path: innerPath, innerPath, size, open: async () => createReadStream(file, { highWaterMark: READ_CHUNK }) });
    }
  }

  /** `prefix` is the user-visible path of the zip itself followed by "!/" (empty for the upload). */
  async addZipFile(file: string | ByteSource, prefix: string, depth: number): Promise<void> {
    const zip = await openZip(file);
    this.openZips.push(zip);
    const listed: yauzl.Entry[] = [];
    for await (const entry of listEntries(zip)) listed.push(entry);
    const overlap = await findOverlap(zip, listed);
    if (overlap) throw new Error(overlapReason(prefix, overlap));
    const nested: { entry: yauzl.Entry; path: string }[] = [];
    for (const entry of listed) {
      const innerPath = entry.fileName;
      if (innerPath.endsWith('/') || isJunkPath(innerPath)) continue;
      const path = prefix + innerPath;
      if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
        this.failures.push({ path, reason: 'the file is encrypted (password-protected zip entries cannot be read)' });
        continue;
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        this.failures.push({ path, reason: `unsupported zip compression method ${entry.compressionMethod}` });
        continue;
      }
      if (isZipName(innerPath)) {
        nested.push({ entry, path });
        continue;
      }
      this.entries.push({ path, innerPath, size: entry.uncompressedSize, open: () => openEntry(zip, entry, path, this.budget) });
    }
    for (const { entry, path } of nested) {
      if (depth >= this.maxNestedDepth) {
        this.failures.push({ path, reason: `zip nested more than ${this.maxNestedDepth} levels deep was not opened` });
        continue;
      }
      try {
        // A zip needs random access to its central directory, so a nested one is spooled to disk first.
        const spooled = await this.spool(await openEntry(zip, entry, path, this.budget));
        await this.addZipFile(spooled, path + '!/', depth + 1);
      } catch (error) {
        this.failures.push({ path, reason: `nested zip could not be opened: ${(error as Error).message}` });
      }
    }
  }

  private async spool(stream: Readable): Promise<string> {
    this.tempDir ??= await fsp.mkdtemp(join(this.spoolDir ?? tmpdir(), 'furrow-nested-'));
    const target = join(this.tempDir, `${this.tempCount++}.zip`);
    await pipeline(stream, createWriteStream(target));
    return target;
  }

  async close(): Promise<void> {
    for (const zip of this.openZips) zip.close();
    this.openZips.length = 0;
    if (this.tempDir) await fsp.rm(this.tempDir, { recursive: true, force: true });
    this.tempDir = undefined;
  }
}

/** The entries of an open zip, one at a time (yauzl's lazy-entries protocol as an async iterator). */
export async function* listEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  while (true) {
    const next = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (entry: yauzl.Entry) => {
        cleanup();
        resolve(entry);
      };
      const onEnd = () => {
        cleanup();
        resolve(null);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (next === null) return;
    yield next;
  }
}

/**
 * Small entries (most sidecars, every file detection sniffs) are read in one positioned read and
 * inflated in one synchronous call: a zlib stream and yauzl's stream machinery cost more to set
 * up than to run on them (30,000 TASKDATA.XML sniffed: ~5× faster).
 */
const SMALL_PACKED = 64 * 1024;
const SMALL_INFLATED = 1 << 20;

function openRaw(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, entry.compressionMethod === 8 ? { decompress: false } : {}, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

async function readPacked(zip: yauzl.ZipFile, entry: yauzl.Entry, start: number): Promise<Buffer> {
  const reader = readers.get(zip);
  if (!reader) throw new Error('the zip was not opened by openZipFile');
  const packed = Buffer.allocUnsafe(entry.compressedSize);
  await reader.readAt(packed, start);
  return packed;
}

/**
 * Opens an entry's uncompressed bytes through an EntryCheck: the stream fails with a
 * DamagedEntryError as soon as it passes the declared size, or at its end when it is short or
 * its CRC-32 differs, and with an EntryLimitError at the archive's caps.
 */
export async function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, budget: InflateBudget): Promise<Readable> {
  const check = new EntryCheck(entry, { path, size: entry.uncompressedSize, compressedSize: entry.compressedSize, crc32: entry.crc32 }, budget);
  const deflated = entry.compressionMethod === 8;
  const unlocated = (error: unknown) => new DamagedEntryError(path, `it cannot be located in the zip (${(error as Error).message})`);
  // Faults of the data surface on the stream, never as a failed open: readers treat a stream error as the file's, an open error as a missing file.
  if (entry.compressedSize <= SMALL_PACKED && entry.uncompressedSize <= SMALL_INFLATED) {
    let packed: Buffer;
    try {
      packed = await readPacked(zip, entry, (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart);
    } catch (error) {
      return failedStream(unlocated(error));
    }
    try {
      return checkedBuffer(deflated ? inflateSmall(packed, path, entry.uncompressedSize) : packed, check);
    } catch (error) {
      return failedStream(error as Error);
    }
  }
  let raw: Readable;
  try {
    raw = await openRaw(zip, entry);
  } catch (error) {
    return failedStream(unlocated(error));
  }
  if (!deflated) return checkedStream(raw, check);
  const inflate = createInflateRaw({ chunkSize: Math.min(INFLATE_CHUNK, Math.max(16 * 1024, entry.uncompressedSize)) });
  // pipeline(): a failed read destroys the inflater with its error, and a destroyed inflater the read.
  pipeline(raw, inflate).catch(() => {});
  const inflateError = (error: Error) => ((error as NodeJS.ErrnoException).code?.startsWith('Z_') ? new DamagedEntryError(path, `its compressed data cannot be unpacked (${error.message})`) : error);
  return checkedStream(inflate, check, inflateError);
}

function inflateSmall(packed: Buffer, path: string, declared: number): Buffer {
  try {
    // One byte more than declared is enough to know the entry lies about its size.
    return inflateRawSync(packed, { maxOutputLength: declared + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw oversizeError(path, declared);
    throw new DamagedEntryError(path, `its compressed data cannot be unpacked (${(error as Error).message})`);
  }
}

function failedStream(error: Error): Readable {
  return new Readable({
    read() {
      this.destroy(error);
    },
  });
}

/** An entry read whole, as a stream that fails as the streamed path would: at once past its size or a cap, after its bytes when short or its CRC differs. */
function checkedBuffer(data: Buffer, check: EntryCheck): Readable {
  const early = check.add(data);
  if (early) return failedStream(early);
  let sent = false;
  // Pulled only (high-water mark 0), so the end check runs once the reader has taken the bytes.
  return new Readable({
    highWaterMark: 0,
    read() {
      if (!sent) {
        sent = true;
        if (data.length > 0) return void this.push(data);
      }
      const late = check.end();
      if (late) return this.destroy(late);
      this.push(null);
    },
  });
}

interface Span {
  entry: yauzl.Entry;
  start: number;
  end: number;
}

/**
 * Two directory records whose bytes overlap: a zip writer never makes them, while a hostile
 * zip points many records at the same data (a tiny upload that unpacks hundreds of times over).
 * Each record's span runs from its local header to the end of its data, as the local header
 * says where the data starts. A record whose header cannot be read is left to fail when opened.
 */
export async function findOverlap(zip: yauzl.ZipFile, entries: readonly yauzl.Entry[]): Promise<[yauzl.Entry, yauzl.Entry] | undefined> {
  const spans: Span[] = [];
  for (const entry of entries) {
    let dataStart: number;
    try {
      dataStart = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
    } catch {
      continue;
    }
    spans.push({ entry, start: entry.relativeOffsetOfLocalHeader, end: dataStart + entry.compressedSize });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) if (spans[i]!.start < spans[i - 1]!.end) return [spans[i - 1]!.entry, spans[i]!.entry];
  return undefined;
}

export function overlapReason(prefix: string, [a, b]: [yauzl.Entry, yauzl.Entry]): string {
  const name = (entry: yauzl.Entry) => `"${prefix}${typeof entry.fileName === 'string' ? entry.fileName : (entry.fileName as Buffer).toString('latin1')}"`;
  return `the zip entries ${name(a)} and ${name(b)} share the same bytes (entries that overlap are a zip-bomb technique; no zip writer makes them)`;
}

/** Reads a byte source for yauzl, hiding `shift` leading bytes (junk some tools prepend to zips). */
class ShiftedReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly source: ByteSource,
    private readonly shift: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return this.source.stream(start + this.shift, end + this.shift);
  }

  /** Reads `buffer.length` bytes at `position` of the zip (past the junk). */
  readAt(buffer: Buffer, position: number): Promise<void> {
    return this.source.read(buffer, 0, buffer.length, position + this.shift);
  }

  // yauzl's default read() goes through a stream per call; a positioned read is much cheaper for the many small central-directory reads.
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    this.source.read(buffer, offset, length, position + this.shift).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}

/** The reader of each zip openZipFile opened, for the whole reads of small entries. */
const readers = new WeakMap<yauzl.ZipFile, ShiftedReader>();

async function openZip(file: string | ByteSource): Promise<yauzl.ZipFile> {
  try {
    return await openZipFile(file);
  } catch (error) {
    throw new Error(`not a readable zip archive (${(error as Error).message})`);
  }
}

/**
 * Opens a zip for random access through its central directory, tolerating junk bytes before the
 * archive. A path is opened here and closed with the zip; a source passed in is closed with the
 * zip too. `rawNames` keeps entry names as Buffers (yauzl would otherwise stop at the first
 * unsafe name, which the upload checks want to name themselves).
 */
export async function openZipFile(file: string | ByteSource, options: { rawNames?: boolean } = {}): Promise<yauzl.ZipFile> {
  const source = typeof file === 'string' ? await openFileSource(file) : file;
  try {
    const { size } = source;
    const shift = await leadingJunkBytes(source, size);
    const reader = new ShiftedReader(source, shift);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.fromRandomAccessReader(
        reader,
        size - shift,
        // Sizes are checked on every read against the bytes really produced (entry-check.ts); yauzl's own check would refuse the whole zip for one lying stored entry.
        { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: false, decodeStrings: !options.rawNames },
        (error, zipfile) => (error ? reject(error) : resolve(zipfile)),
      );
    });
    // The source belongs to the reader from here on; closing the zip closes it.
    reader.on('close', () => void source.close());
    readers.set(zip, reader);
    return zip;
  } catch (error) {
    await source.close();
    throw error;
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;

/**
 * Zip offsets count from the first byte of the archive; when a tool prepended bytes (a
 * self-extractor stub, a corrupt stream), every offset is off by that many. The end-of-central-
 * directory record tells where the directory should start, so the difference is the junk size.
 */
async function leadingJunkBytes(handle: ByteSource, size: number): Promise<number> {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const eocdPos = size - tailLength + i;
    const cdSize = tail.readUInt32LE(i + 12);
    const cdOffset = tail.readUInt32LE(i + 16);
    if (cdOffset === 0xffffffff && i >= 20 && tail.readUInt32LE(i - 20) === ZIP64_LOCATOR_SIGNATURE) {
      const recorded = Number(tail.readBigUInt64LE(i - 20 + 8));
      const actual = await findBackwards(handle, ZIP64_EOCD_SIGNATURE, eocdPos - 20, recorded);
      return actual === undefined ? 0 : actual - recorded;
    }
    const shift = eocdPos - cdSize - cdOffset;
    return shift > 0 ? shift : 0;
  }
  return 0;
}

/** The ZIP64 end record normally sits right before its locator; look back a little in case of extensible data. */
async function findBackwards(handle: ByteSource, signature: number, before: number, atLeast: number): Promise<number | undefined> {
  const window = Math.min(before - atLeast, 4096);
  if (window < 56) return before - 56 >= 0 ? before - 56 : undefined;
  const buf = Buffer.alloc(window);
  await handle.read(buf, 0, window, before - window);
  for (let i = window - 56; i >= 0; i--) if (buf.readUInt32LE(i) === signature) return before - window + i;
  return undefined;
}
