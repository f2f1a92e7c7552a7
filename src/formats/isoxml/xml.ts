import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { DatasetError } from '../types.ts';

/** Receives elements as the parser meets them; attributes by their ISO 11783-10 letter. */
export interface XmlVisitor {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(name: string): void;
}

/**
 * Streams an XML file through saxes into `visitor`. saxes never fetches anything and knows only
 * the five predefined entities, so a DOCTYPE cannot pull external files in (XXE) or blow up by
 * expansion; a DOCTYPE that declares entities is refused outright because ISO 11783-10 files never
 * use one, and a reference to an undeclared entity is a syntax error like any other.
 * Errors become `DatasetError`s that name the file, line and column.
 */
export async function parseXml(stream: Readable, fileName: string, visitor: XmlVisitor, options: XmlOptions = {}): Promise<XmlResult> {
  const parser = new SaxesParser<{ xmlns: false; fileName: string }>({ xmlns: false, fileName });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
    throw error;
  });
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      throw new DatasetError(`${fileName} declares XML entities in a DOCTYPE; ISO 11783-10 files never do, so it is refused (entities are never expanded)`);
    }
  });
  parser.on('opentag', (tag) => visitor.open(tag.name, tag.attributes));
  parser.on('closetag', (tag) => visitor.close(tag.name));

  let decoder: TextDecoder | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      if (typeof chunk === 'string') {
        parser.write(chunk);
        continue;
      }
      decoder ??= new TextDecoder(sniffEncoding(chunk));
      parser.write(decoder.decode(chunk, { stream: true }));
    }
    if (decoder) parser.write(decoder.decode());
  } catch (error) {
    throw asDatasetError(error, failure, fileName, stream);
  }
  try {
    parser.close();
  } catch (error) {
    // At the very end the only complaint left can be elements still open: the file was cut short.
    if (options.tolerateCutOff && failure && /unclosed tag/.test(failure.message)) return { cutOff: failure.message };
    throw asDatasetError(error, failure, fileName, stream);
  }
  return {};
}

export interface XmlOptions {
  /**
   * Accept a file that ends before its elements are closed, keeping what was read. Only for
   * files whose elements are complete in themselves, such as a timelog header's DLV list (the
   * CCI sample's TLG00003.XML lacks its closing </TIM>).
   */
  tolerateCutOff?: boolean;
}

export interface XmlResult {
  /** Set when the file ended with elements still open and `tolerateCutOff` accepted it. */
  cutOff?: string;
}

function asDatasetError(error: unknown, failure: Error | undefined, fileName: string, stream: Readable): DatasetError {
  stream.destroy();
  if (error instanceof DatasetError) return error;
  const reason = failure ?? (error instanceof Error ? error : new Error(String(error)));
  return new DatasetError(`${fileName} is not well-formed XML: ${reason.message}`);
}

/**
 * Task controllers write UTF-8 almost always; a few older ones declare ISO-8859-1 or write UTF-16
 * with a byte-order mark. The declaration sits in the first bytes, so the first chunk decides.
 */
function sniffEncoding(first: Uint8Array): string {
  if (first[0] === 0xff && first[1] === 0xfe) return 'utf-16le';
  if (first[0] === 0xfe && first[1] === 0xff) return 'utf-16be';
  const head = Buffer.from(first.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|latin-?1|windows-1252|cp1252|us-ascii)$/.test(declared)) return 'windows-1252';
  return 'utf-8';
}
