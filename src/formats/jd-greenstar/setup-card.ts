import type { Readable } from 'node:stream';
import { streamXml } from './xml.ts';

/** What a GS3 setup card (`setup.fds` + `*.SpatialCatalog`) holds, for the "no operations" message. */
export interface SetupSummary {
  clients: Set<string>;
  farms: Set<string>;
  fields: Set<string>;
  boundaries: number;
  /** Names of the guidance lines (AB lines, curves, circles), in file order. */
  guidanceLines: string[];
}

export function emptySetupSummary(): SetupSummary {
  return { clients: new Set(), farms: new Set(), fields: new Set(), boundaries: 0, guidanceLines: [] };
}

/**
 * Guidance items a spatial catalog lists under `SpatialItems` (`ABCurve` in the sample; AB lines,
 * adaptive curves and circles are the other GS3 track types, named as Deere's display names them).
 */
function isGuidance(name: string): boolean {
  return /^(AB|Adaptive|Circle|Curve)/.test(name) || /(Line|Curve|Track)$/.test(name);
}

/** Adds the names in a `setup.fds` (root `SetupFile`) or a spatial catalog's `Setup` to `summary`; counts spatial items. */
export async function addSetupFile(stream: Readable, fileName: string, summary: SetupSummary): Promise<string | undefined> {
  let root: string | undefined;
  const stack: string[] = [];
  await streamXml(stream, fileName, {
    open(name, attributes) {
      root ??= name;
      const parent = stack[stack.length - 1];
      stack.push(name);
      // "---" is the display's placeholder for "not set".
      const value = attributes.name && attributes.name !== '---' ? attributes.name : undefined;
      if (value && name === 'Client') summary.clients.add(value);
      if (value && name === 'Farm') summary.farms.add(value);
      if (value && name === 'Field') summary.fields.add(value);
      if (parent === 'SpatialItems' && name === 'Boundary') summary.boundaries++;
      if (parent === 'SpatialItems' && isGuidance(name)) summary.guidanceLines.push(attributes.name ?? name);
    },
    close() {
      stack.pop();
    },
  });
  return root;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function names(label: string, values: Set<string>): string | undefined {
  if (values.size === 0) return undefined;
  const list = [...values].slice(0, 5).map((v) => `"${v}"`);
  if (values.size > 5) list.push(`… ${values.size - 5} more`);
  return `${label}${values.size === 1 ? '' : 's'} ${list.join(', ')}`;
}

/** `boundaries, guidance lines, setup.fds; field "A"; 1 boundary, 3 guidance lines ("ab", …)` for the card's message. */
export function describeSetup(summary: SetupSummary): string {
  const holds = [summary.boundaries > 0 ? 'boundaries' : undefined, summary.guidanceLines.length > 0 ? 'guidance lines' : undefined, 'setup.fds'];
  const parts = [holds.filter((p) => p !== undefined).join(', ')];
  const who = [names('client', summary.clients), names('farm', summary.farms), names('field', summary.fields)].filter((p) => p !== undefined);
  if (who.length > 0) parts.push(who.join(', '));
  const boundaries = `${summary.boundaries} ${summary.boundaries === 1 ? 'boundary' : 'boundaries'}`;
  const lines = summary.guidanceLines.length;
  const lineNames = lines > 0 ? ` (${summary.guidanceLines.map((n) => `"${n}"`).join(', ')})` : '';
  parts.push(`${boundaries}, ${plural(lines, 'guidance line')}${lineNames}`);
  return parts.join('; ');
}
