/*
 * Byte-level edits of small test zips for what zip writers refuse to make: names that
 * escape the folder, encrypted entries. Only for zips of a few stored (uncompressed) text
 * entries, where the signatures cannot occur inside file data by chance.
 */

/** Renames an entry in both its local header and the central directory; names must have the same length. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + 1)) out.write(to, at);
  return out;
}

/** Sets the "encrypted" flag of every entry (general purpose bit 0). */
export function markEncrypted(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 10 < out.length; i++) {
    const signature = out.readUInt32LE(i);
    if (signature === 0x04034b50) out.writeUInt16LE(out.readUInt16LE(i + 6) | 1, i + 6);
    if (signature === 0x02014b50) out.writeUInt16LE(out.readUInt16LE(i + 8) | 1, i + 8);
  }
  return out;
}
