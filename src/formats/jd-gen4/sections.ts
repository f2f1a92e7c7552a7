import type { SessionHeader } from './header.ts';

/**
 * Section control on a Gen4 implement (FORMAT.md, "Sections"): the header declares one element
 * per boom section or header section (5.10.2.7.4) with its width (`.2`) and its place in a state
 * channel (`.7` channel, `.16` index); the state channel logs 1 per section that is on. The width
 * that works is the sum of the widths of the sections that are on, and nothing works while the
 * implement's own (one-element) work state is off.
 */

/** The state channel with one element: the implement's work state. */
export function workStateChannel(header: SessionHeader): number | undefined {
  for (const [id, elements] of header.stateChannels) if (elements === 1) return id;
  return undefined;
}

/** The first state channel with several elements: one per section (12 on the harvest header, 11 on the sprayer). */
export function sectionStateChannel(header: SessionHeader): number | undefined {
  for (const [id, elements] of header.stateChannels) if (elements > 1) return id;
  return undefined;
}

/**
 * Widths (m) of the elements of a state channel by their index in it, or undefined when some index
 * has no element with a width. Sprayer sample: 3.429 / 3.81 / 3.048 m sections summing to the
 * boom's 36.957 m; combine: eleven of 0.76 m and one of 0.784 m summing to the header's 9.144 m.
 */
export function stateElementWidths(header: SessionHeader, stateChannel: number): number[] | undefined {
  const count = header.stateChannels.get(stateChannel);
  if (count === undefined) return undefined;
  const widths: number[] = [];
  for (let index = 0; index < count; index++) {
    const element = header.elements.find((e) => e.stateChannel === stateChannel && e.stateIndex === index && e.width !== undefined && e.width > 0);
    if (!element) return undefined;
    widths.push(element.width!);
  }
  return widths;
}

/**
 * The width working at a fix: 0 with the work state off; else the on sections' widths, or, when
 * the header gives no section widths, the implement width × the share of sections on (equal
 * sections assumed); the whole implement while no section state is logged (as before any is).
 */
export function workingWidth(workState: number | undefined, sections: readonly number[] | undefined, widths: readonly number[] | undefined, implementWidth: number): number {
  if (workState === 0) return 0;
  if (!sections || sections.length === 0) return implementWidth;
  if (widths && widths.length === sections.length) {
    let sum = 0;
    for (let i = 0; i < sections.length; i++) if (sections[i] === 1) sum += widths[i]!;
    return sum;
  }
  return (implementWidth * sections.filter((s) => s === 1).length) / sections.length;
}
