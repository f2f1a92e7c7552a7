import { createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { ArchiveEntry } from '../types.ts';

/** AgData files seen are a few KiB; up to this size one is read into memory, larger ones are spooled to disk. */
export const IN_MEMORY_LIMIT = 16 * 1024 * 1024;
/** A manifest is a few hundred bytes; anything near this is not one. */
const MANIFEST_LIMIT = 1024 * 1024;
const LOCAL_HEADER = 0x04034b50;

export { readHead } from '../sniff.ts';

/** Whether `head` starts with a zip local-file header. */
export function isZipHead(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === LOCAL_HEADER;
}

/** Name of the first member in a zip's first local header, when `head` holds it. */
export function firstMemberName(head: Buffer): string | undefined {
  if (!isZipHead(head) || head.length < 30) return undefined;
  const nameLength = head.readUInt16LE(26);
  if (head.length < 30 + nameLength) return undefined;
  return head.subarray(30, 30 + nameLength).toString('utf8');
}

async function readAll(entry: ArchiveEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await entry.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function fromBuffer(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.fromBuffer(buffer, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip))));
}

function fromFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip))));
}

export interface AgDataContents {
  /** Member names of the AgData zip. */
  members: string[];
  /** Text of `manifest.xml`, when present. */
  manifest?: string;
}

/**
 * Lists an AgData file (itself a zip, which the archive walker does not open) and reads its
 * `manifest.xml`. Small files are read into memory; larger ones are spooled to a temporary file
 * because a zip needs random access to its central directory.
 */
export async function readAgDataContainer(entry: ArchiveEntry): Promise<AgDataContents> {
  let tempDir: string | undefined;
  let zip: yauzl.ZipFile;
  if (entry.size <= IN_MEMORY_LIMIT) {
    zip = await fromBuffer(await readAll(entry));
  } else {
    tempDir = await fsp.mkdtemp(join(tmpdir(), 'furrow-agdata-'));
    const spooled = join(tempDir, 'agdata.zip');
    await pipeline(await entry.open(), createWriteStream(spooled));
    zip = await fromFile(spooled);
  }
  try {
    const contents: AgDataContents = { members: [] };
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (member: yauzl.Entry) => {
        contents.members.push(member.fileName);
        if (member.fileName.toLowerCase() !== 'manifest.xml' || member.uncompressedSize > MANIFEST_LIMIT) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(member, (error, stream) => {
          if (error) return reject(error);
          readStream(stream)
            .then((text) => {
              contents.manifest = text;
              zip.readEntry();
            })
            .catch(reject);
        });
      });
      zip.readEntry();
    });
    return contents;
  } finally {
    zip.close();
    if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true });
  }
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
