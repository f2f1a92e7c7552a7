import { SaxesParser } from 'saxes';

/** The clear-text `manifest.xml` of an AgData file (formats.md §2.5). */
export interface AgDataManifest {
  name?: string;
  uuid?: string;
  desc?: string;
  /** `source/product`, e.g. `TMX`. */
  product?: string;
  /** `source/serial`: the display's serial number. */
  serial?: string;
  /** `entries/entry`: the payload members, encrypted (`<uuid>.xml.gz.enc`). */
  entries: string[];
}

/**
 * Parses a manifest; undefined when the text is not XML with root `<manifest>`. saxes expands no
 * entities beyond the predefined ones and fetches nothing, so a crafted manifest cannot reach out.
 */
export function parseManifest(text: string): AgDataManifest | undefined {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  let root: string | undefined;
  let value = '';
  const manifest: AgDataManifest = { entries: [] };
  parser.on('opentag', (tag) => {
    root ??= tag.name;
    stack.push(tag.name);
    value = '';
  });
  parser.on('text', (text) => {
    value += text;
  });
  parser.on('closetag', (tag) => {
    const path = stack.join('/');
    const text = value.trim();
    stack.pop();
    value = '';
    if (text === '') return;
    if (path === 'manifest/name') manifest.name = text;
    else if (path === 'manifest/uuid') manifest.uuid = text;
    else if (path === 'manifest/desc') manifest.desc = text;
    else if (path === 'manifest/source/product') manifest.product = text;
    else if (path === 'manifest/source/serial') manifest.serial = text;
    else if (path === 'manifest/entries/entry' && tag.name === 'entry') manifest.entries.push(text);
  });
  try {
    parser.write(text.replace(/^\uFEFF/, '')).close();
  } catch {
    return undefined;
  }
  return root === 'manifest' ? manifest : undefined;
}
