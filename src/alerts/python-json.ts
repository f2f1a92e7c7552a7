/**
 * JSON text as Python's `json.dumps` writes it by default, which is what Leaf signs and sends:
 * a space after `:` and `,`, and every character outside printable ASCII escaped as `\uXXXX`
 * (UTF-16 code units, lower-case hex). A receiver that verifies signatures against Leaf's
 * format gets the same bytes.
 */
export function pythonJson(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : pythonJson(v))).join(', ')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}
