import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { DatasetError, type ArchiveEntry } from '../types.ts';
import { sniff } from '../sniff.ts';

/** Receives elements by local name (JD files prefix most of them: `rcdsetup:Client` → `Client`). */
export interface XmlHandler {
  open(name: string, attributes: Readonly<Record<string, string>>, depth: number): void;
  close?(name: string, depth: number): void;
}

/** The name after the namespace prefix, if any. */
export function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/**
 * Streams a JD RCD XML file (`.fdl`, `setup.fds`, `*.SpatialCatalog`) through saxes. saxes never
 * fetches anything and expands only the predefined entities; a DOCTYPE that declares entities is
 * refused, since Deere's files never carry one. Errors become DatasetErrors naming the file.
 */
export async function streamXml(stream: Readable, fileName: string, handler: XmlHandler): Promise<void> {
  const parser = new SaxesParser({ xmlns: false });
  let depth = 0;
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) throw new DatasetError(`${fileName} declares XML entities; John Deere files never do, so it is refused`);
  });
  parser.on('opentag', (tag) => {
    handler.open(localName(tag.name), tag.attributes as Record<string, string>, depth);
    // saxes reports a self-closing tag's close right after its open.
    depth++;
  });
  parser.on('closetag', (tag) => {
    depth--;
    handler.close?.(localName(tag.name), depth);
  });
  // UTF-8 with a byte-order mark in every sample; TextDecoder drops the mark.
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    stream.destroy();
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(`${fileName} is not well-formed XML: ${(error as Error).message}`);
  }
}

/**
 * Local name of the root element of an XML text that may be cut anywhere after it: skips a BOM,
 * the declaration, comments and processing instructions. Undefined when the text is not XML or
 * ends before the root's name does.
 */
export function xmlRootName(head: Buffer): string | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const match = /^\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->)\s*)*<([A-Za-z_][\w.:-]*)[\s/>]/.exec(text);
  return match ? localName(match[1]!) : undefined;
}

/** How many bytes are enough to see a JD file's root element (declaration + namespaces fit in 1 KiB in every sample). */
export const ROOT_SNIFF_BYTES = 8 * 1024;

export async function rootElement(entry: ArchiveEntry): Promise<string | undefined> {
  return sniff(entry, ROOT_SNIFF_BYTES, xmlRootName);
}
