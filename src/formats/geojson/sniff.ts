/**
 * Decides from the first bytes of a JSON text whether it is a GeoJSON FeatureCollection, without
 * parsing the rest: the top-level object's `type` member must be "FeatureCollection", or, when
 * `features` comes first (members have no order), its first element must be a Feature.
 * Furrow's own summary.json (a Feature), units.json and status.json are not collections.
 */
export type Verdict = 'yes' | 'no' | 'need more';

class Truncated extends Error {}

class Scanner {
  i = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
    if (this.i >= this.text.length) throw new Truncated();
  }

  peek(): string {
    this.ws();
    return this.text[this.i]!;
  }

  /** Reads a JSON string starting at its opening quote; escapes are kept as written (keys compared here have none). */
  string(): string {
    const start = ++this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '\\') this.i += 2;
      else if (c === '"') return this.text.slice(start, this.i++);
      else this.i++;
    }
    throw new Truncated();
  }

  /** Skips one value of any kind, strings and nesting included. */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') {
      this.string();
      return;
    }
    if (c !== '{' && c !== '[') {
      while (this.i < this.text.length && !/[\s,}\]]/.test(this.text[this.i]!)) this.i++;
      if (this.i >= this.text.length) throw new Truncated();
      return;
    }
    let depth = 0;
    while (this.i < this.text.length) {
      const d = this.text[this.i]!;
      if (d === '"') {
        this.string();
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') depth--;
      this.i++;
      if (depth === 0) return;
    }
    throw new Truncated();
  }

  /** Calls `member` at each member of the object at the cursor, its value not yet read, until it returns a verdict. */
  members(member: (key: string) => Verdict | undefined): Verdict {
    if (this.peek() !== '{') return 'no';
    this.i++;
    if (this.peek() === '}') return 'no';
    for (;;) {
      if (this.peek() !== '"') return 'no';
      const key = this.string();
      if (this.peek() !== ':') return 'no';
      this.i++;
      const verdict = member(key);
      if (verdict !== undefined) return verdict;
      const next = this.peek();
      if (next === ',') this.i++;
      else return 'no'; // `}`: the object ended without saying it is a collection
    }
  }
}

function objectType(scanner: Scanner): Verdict | string {
  let type: string | undefined;
  const verdict = scanner.members((key) => {
    if (key === 'type' && scanner.peek() === '"') {
      type = scanner.string();
      return 'yes';
    }
    scanner.skipValue();
    return undefined;
  });
  return type ?? verdict;
}

export function featureCollectionVerdict(head: string): Verdict {
  const scanner = new Scanner(head.replace(/^\uFEFF/, ''));
  try {
    return scanner.members((key) => {
      if (key === 'type') {
        if (scanner.peek() !== '"') return 'no';
        return scanner.string() === 'FeatureCollection' ? 'yes' : 'no';
      }
      if (key === 'features') {
        if (scanner.peek() !== '[') return 'no';
        scanner.i++;
        const first = scanner.peek();
        if (first === ']') return 'yes'; // an empty collection: claimed, and read() says it holds no points
        if (first !== '{') return 'no';
        return objectType(scanner) === 'Feature' ? 'yes' : 'no';
      }
      scanner.skipValue();
      return undefined;
    });
  } catch (error) {
    if (error instanceof Truncated) return 'need more';
    throw error;
  }
}
