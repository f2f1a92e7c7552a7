import yauzl from 'yauzl';

export interface PlainEntry {
  name: string;
  data: Buffer;
}

/** Every file entry of a (well-formed) zip held in memory, in directory order; folders are left out. */
export function readZipEntries(zip: Buffer): Promise<PlainEntry[]> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (openError, file) => {
      if (openError) return reject(openError);
      const entries: PlainEntry[] = [];
      file.on('error', reject);
      file.on('end', () => resolvePromise(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return file.readEntry();
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}
