import { constants, crc32, deflateRawSync } from 'node:zlib';

/*
 * A zip writer that writes whatever it is told, for hostile test inputs no zip library makes:
 * entries whose directory record lies about their size or CRC, and directory records that point
 * at another record's bytes. Follows the layout of APPNOTE.TXT §4.3 (no ZIP64, no data descriptors).
 */

export interface RawEntry {
  name: string;
  /** The entry's real content. */
  data?: Buffer;
  /** Already-packed bytes (e.g. a deflate stream made elsewhere); `data` is then ignored for the packing. */
  packed?: Buffer;
  /** 0 stored, 8 deflated (default). */
  method?: 0 | 8;
  /** What the directory and local header declare; the truth when left out. */
  declaredSize?: number;
  declaredCrc?: number;
}

export interface RawZipOptions {
  /** Extra directory records pointing at the local data of the entry with index `target`, under another name. */
  aliases?: { name: string; target: number }[];
}

function localHeader(name: Buffer, method: number, crc: number, packedSize: number, size: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x800, 6); // UTF-8 names
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12); // 1980-01-01
  header.writeUInt32LE(crc >>> 0, 14);
  header.writeUInt32LE(packedSize, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, name]);
}

function directoryRecord(name: Buffer, method: number, crc: number, packedSize: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(46);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(20, 4);
  record.writeUInt16LE(20, 6);
  record.writeUInt16LE(0x800, 8);
  record.writeUInt16LE(method, 10);
  record.writeUInt16LE(0, 12);
  record.writeUInt16LE(0x21, 14);
  record.writeUInt32LE(crc >>> 0, 16);
  record.writeUInt32LE(packedSize, 20);
  record.writeUInt32LE(size, 24);
  record.writeUInt16LE(name.length, 28);
  record.writeUInt32LE(offset, 42);
  return Buffer.concat([record, name]);
}

export function rawZip(entries: readonly RawEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const records: Buffer[] = [];
  const written: { method: number; crc: number; packedSize: number; size: number; offset: number }[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.data ?? Buffer.alloc(0);
    const method = entry.method ?? 8;
    const packed = entry.packed ?? (method === 8 ? deflateRawSync(data) : data);
    const size = entry.declaredSize ?? data.length;
    const crc = entry.declaredCrc ?? crc32(data);
    const name = Buffer.from(entry.name);
    const header = localHeader(name, method, crc, packed.length, size);
    parts.push(header, packed);
    records.push(directoryRecord(name, method, crc, packed.length, size, offset));
    written.push({ method, crc, packedSize: packed.length, size, offset });
    offset += header.length + packed.length;
  }
  for (const alias of options.aliases ?? []) {
    const target = written[alias.target]!;
    records.push(directoryRecord(Buffer.from(alias.name), target.method, target.crc, target.packedSize, target.size, target.offset));
  }
  const directory = Buffer.concat(records);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/**
 * A raw deflate stream of `mebibytes` MiB of zero bytes (~1 MB of output per GiB), made without
 * deflating them all: a MiB of zeros deflated up to a full flush (which resets the compressor and
 * aligns to a byte) is the same block sequence every time, so the stream is that repeated, then a
 * final empty block.
 */
export function deflatedZeros(mebibytes: number): Buffer {
  const unit = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: mebibytes }, () => unit), deflateRawSync(Buffer.alloc(0))]);
}
