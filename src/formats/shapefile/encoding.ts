import iconv from 'iconv-lite';

/** Decodes the bytes of one text value. */
export type TextDecodeFn = (bytes: Buffer) => string;

export interface TextEncodingChoice {
  decode: TextDecodeFn;
  /** The encoding used and why, e.g. `windows-1252 (language driver 0x58)`. */
  description: string;
  /** Set when the named encoding was not understood and a fallback was used. */
  warning?: string;
}

/**
 * dBase language-driver ids (byte 29 of the header) and their code pages, as ESRI and the
 * dBase/FoxPro documentation list them; only those exporters are known to write.
 */
const LANGUAGE_DRIVERS: ReadonlyMap<number, string> = new Map([
  [0x01, 'cp437'],
  [0x02, 'cp850'],
  [0x03, 'windows-1252'],
  [0x08, 'cp865'],
  [0x0a, 'cp850'],
  [0x0b, 'cp437'],
  [0x0d, 'cp437'],
  [0x0e, 'cp850'],
  [0x0f, 'cp437'],
  [0x10, 'cp850'],
  [0x11, 'cp437'],
  [0x12, 'cp850'],
  [0x13, 'shift_jis'],
  [0x14, 'cp850'],
  [0x15, 'cp437'],
  [0x16, 'cp850'],
  [0x17, 'cp865'],
  [0x18, 'cp437'],
  [0x19, 'cp437'],
  [0x1a, 'cp850'],
  [0x1b, 'cp437'],
  [0x1c, 'cp863'],
  [0x1d, 'cp850'],
  [0x1f, 'cp852'],
  [0x22, 'cp852'],
  [0x23, 'cp852'],
  [0x24, 'cp860'],
  [0x25, 'cp850'],
  [0x26, 'cp866'],
  [0x37, 'cp850'],
  [0x40, 'cp852'],
  [0x4d, 'gbk'],
  [0x4e, 'euc-kr'],
  [0x4f, 'big5'],
  [0x50, 'windows-874'],
  [0x57, 'windows-1252'],
  [0x58, 'windows-1252'],
  [0x59, 'windows-1252'],
  [0x64, 'cp852'],
  [0x65, 'cp866'],
  [0x66, 'cp865'],
  [0x67, 'cp861'],
  [0x6a, 'cp737'],
  [0x6b, 'cp857'],
  [0x78, 'big5'],
  [0x79, 'euc-kr'],
  [0x7a, 'gbk'],
  [0x7b, 'shift_jis'],
  [0x7c, 'windows-874'],
  [0x7d, 'windows-1255'],
  [0x7e, 'windows-1256'],
  [0x87, 'cp852'],
  [0x88, 'cp857'],
  [0xc8, 'windows-1250'],
  [0xc9, 'windows-1251'],
  [0xca, 'windows-1254'],
  [0xcb, 'windows-1253'],
  [0xcc, 'windows-1257'],
]);

/** Turns what a .cpg says (`UTF-8`, `1252`, `ANSI 1252`, `8859_1`, `OEM 850`, `CP437`...) into an encoding label. */
export function cpgLabel(text: string): string {
  const t = text.trim().replace(/^\uFEFF/, '').toLowerCase();
  if (/^(utf-?8|65001)$/.test(t)) return 'utf-8';
  const iso = /^(?:iso[-_ ]?)?8859[-_ ]?(\d{1,2})$/.exec(t);
  if (iso) return `iso-8859-${iso[1]}`;
  const number = /^(?:ansi|oem|cp|windows|ibm)?[-_ ]?(\d{3,5})$/.exec(t);
  if (number) {
    const page = Number(number[1]);
    if (page >= 1250 && page <= 1258) return `windows-${page}`;
    if (page === 932) return 'shift_jis';
    if (page === 936) return 'gbk';
    if (page === 949) return 'euc-kr';
    if (page === 950) return 'big5';
    if (page === 874) return 'windows-874';
    if (page >= 28591 && page <= 28605) return `iso-8859-${page - 28590}`;
    return `cp${page}`;
  }
  return t;
}

/**
 * A decoder for `label`: TextDecoder where Node's ICU knows the label, iconv-lite for the DOS
 * code pages (cp437, cp850...) that TextDecoder lacks; undefined when neither knows it.
 */
function decoderFor(label: string): TextDecodeFn | undefined {
  try {
    const decoder = new TextDecoder(label);
    // TextDecoder maps some labels onto others (cp8xx are not aliases); check the result is the one asked for.
    if (!/^cp\d+$/.test(label) || decoder.encoding === label) return (bytes) => decoder.decode(bytes);
  } catch {
    // not a WHATWG label: try iconv-lite below
  }
  if (iconv.encodingExists(label)) return (bytes) => iconv.decode(bytes, label);
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('windows-1252');

/** UTF-8 when the bytes are valid UTF-8, else windows-1252 (the usual code page of Western exports). */
const utf8OrLatin1: TextDecodeFn = (bytes) => {
  try {
    return UTF8.decode(bytes);
  } catch {
    return LATIN1.decode(bytes);
  }
};

/**
 * Picks how to decode a table's text: the .cpg file first (what the writer says), then the
 * header's language-driver byte, then UTF-8 with a windows-1252 fallback per value.
 */
export function chooseEncoding(cpg: string | undefined, languageDriver: number): TextEncodingChoice {
  let unknownCpg: string | undefined;
  if (cpg !== undefined && cpg.trim() !== '') {
    const label = cpgLabel(cpg);
    const decode = decoderFor(label);
    if (decode) return { decode: cached(decode), description: `${label} (.cpg file)` };
    unknownCpg = cpg.trim();
  }
  const ldid = LANGUAGE_DRIVERS.get(languageDriver);
  const decode = ldid ? decoderFor(ldid) : undefined;
  const choice: TextEncodingChoice = decode
    ? { decode: cached(decode), description: `${ldid} (language driver 0x${languageDriver.toString(16)})` }
    : { decode: cached(utf8OrLatin1), description: 'UTF-8, windows-1252 where not valid UTF-8 (no .cpg, no language driver)' };
  if (unknownCpg !== undefined) choice.warning = `the .cpg file names encoding "${unknownCpg}", which is not known; text was read as ${choice.description.replace(/ \(no .*\)$/, '')}`;
  return choice;
}

/**
 * Every encoding above is a superset of ASCII, so ASCII-only values (times, most names) are read
 * directly. Other values: text columns of machine logs repeat a handful of values (product,
 * variety, field) over millions of records, so the last few hundred decodings are remembered.
 */
function cached(decode: TextDecodeFn): TextDecodeFn {
  const memory = new Map<string, string>();
  return (bytes) => {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    const key = bytes.toString('latin1');
    if (ascii) return key;
    if (bytes.length > 64) return decode(bytes);
    let text = memory.get(key);
    if (text === undefined) {
      text = decode(bytes);
      if (memory.size >= 512) memory.clear();
      memory.set(key, text);
    }
    return text;
  };
}
