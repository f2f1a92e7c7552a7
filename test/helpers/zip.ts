import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yazl from 'yazl';

/** Writes a zip with the given entries (name → content) for tests; Buffers for nested zips or binary files. */
export async function writeZip(target: string, files: Record<string, string | Buffer>, options: { compress?: boolean } = {}): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(typeof content === 'string' ? Buffer.from(content) : content, name, { compress: options.compress ?? true });
  }
  zip.end();
  const out = createWriteStream(target);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}

/** Builds a zip in memory, e.g. to nest it inside another one. */
export async function zipBuffer(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(typeof content === 'string' ? Buffer.from(content) : content, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
