import type { ConversionReport } from '../../src/convert-input.ts';
import type { RunAnswer } from './runner.ts';

/**
 * What the fuzz corpus accepts as the end of an input. `processed` and `failed` are fine; every
 * other outcome is a finding: `crash` (the command threw, the process died or exited with a code
 * `furrow convert` never uses), `unhandled-rejection`, `unclear` (a failure whose message is not
 * clear, or an input that ended with nothing converted and nothing said), `timeout`, `over-memory`.
 */
export type Outcome = 'processed' | 'failed' | 'crash' | 'unhandled-rejection' | 'unclear' | 'timeout' | 'over-memory';

export const ACCEPTED: readonly Outcome[] = ['processed', 'failed'];

/** Texts of JavaScript's own errors and of Node's internals: they say where the code broke, not what is wrong with the file. */
const INTERNAL_ERROR =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|is not a constructor|Cannot destructure|Cannot convert undefined|Invalid array length|Invalid typed array length|Array buffer allocation failed|Maximum call stack|The value of "[^"]+" is out of range|The "[^"]+" argument|\bERR_[A-Z_]{3,}\b|\b(TypeError|RangeError|ReferenceError|AssertionError)\b|out of memory|heap limit/;

/** A parser's own words (JSON.parse): clear enough when the message also names the entry they concern. */
const PARSER_ERROR = /Unexpected token|Unexpected end of JSON|in JSON at position|\bSyntaxError\b/;

/** A file name with an extension, as entries are named. */
const NAMES_AN_ENTRY = /[\w[\]{}-]+\.[A-Za-z0-9]{2,8}\b/;

/** A line of a stack trace: "at fn (file.ts:12:3)" or "at file.js:1:2". */
const STACK_FRAME = /\bat (?:[^\s()]+ )?\(?(?:file:\/\/|node:|\/)[^\s()]*:\d+(?::\d+)?\)?/;

/** Values printed where a word should have been. */
const PLACEHOLDER = /\bundefined\b|\bNaN\b|\[object \w+\]/;

/**
 * A failure message is clear when it says in words what is wrong (at least three words of
 * letters), is short enough to read (≤ 2,000 characters besides the entry paths it quotes, which
 * a hostile zip may make thousands of characters long), and is none of: empty, a stack trace, a
 * runtime error's own text, a placeholder (undefined, NaN, [object Object]); a parser's own words
 * (JSON.parse's) pass only beside the name of the entry they concern.
 */
export function unclearReason(message: string | undefined, paths: readonly string[] = []): string | undefined {
  if (message === undefined || message.trim() === '') return 'empty message';
  const own = paths.filter((p) => p.length > 0).reduce((text, path) => text.split(path).join('<entry>'), message);
  if (own.length > 2000) return `message of ${own.length} characters besides the entry paths it quotes`;
  if (STACK_FRAME.test(own)) return 'stack trace';
  const internal = INTERNAL_ERROR.exec(own);
  if (internal) return `runtime error text "${internal[0]}"`;
  const parser = PARSER_ERROR.exec(own);
  if (parser && !NAMES_AN_ENTRY.test(message)) return `parser error text "${parser[0]}" without the entry's name`;
  const placeholder = PLACEHOLDER.exec(own);
  if (placeholder) return `placeholder "${placeholder[0]}"`;
  if ((own.match(/\p{L}{2,}/gu) ?? []).length < 3) return 'fewer than three words';
  return undefined;
}

/** Every message a conversion report holds: input-level failures (with the path they concern) and failed operations' details. */
export function reportMessages(report: ConversionReport): { text: string; path: string }[] {
  return [
    ...report.failures.map((f) => ({ text: f.path ? `${f.path}: ${f.reason}` : f.reason, path: f.path })),
    ...report.operations.filter((op) => op.status !== 'processed').map((op) => ({ text: op.statusDetails, path: op.dir })),
  ];
}

export interface Judgement {
  outcome: Outcome;
  problem?: string;
}

/** Judges a finished run (the process answered; timeouts and deaths are judged by the harness). */
export function judge(answer: RunAnswer): Judgement {
  if (answer.thrown) return { outcome: 'crash', problem: `furrow convert threw: ${answer.thrown.split('\n').slice(0, 4).join(' | ')}` };
  if (answer.unhandled.length > 0) return { outcome: 'unhandled-rejection', problem: answer.unhandled[0]!.split('\n').slice(0, 4).join(' | ') };
  if (answer.exitCode !== 0 && answer.exitCode !== 1) return { outcome: 'crash', problem: `exit code ${answer.exitCode}` };
  if (!answer.report) return { outcome: 'crash', problem: 'no report.json written' };
  for (const line of answer.printed) {
    if (STACK_FRAME.test(line)) return { outcome: 'unclear', problem: `printed a stack trace: ${line.slice(0, 300)}` };
  }
  const messages = reportMessages(answer.report);
  for (const message of messages) {
    const reason = unclearReason(message.text, [message.path]);
    if (reason) return { outcome: 'unclear', problem: `${reason}: ${JSON.stringify(message.text.slice(0, 300))}` };
  }
  const processed = answer.report.operations.filter((op) => op.status === 'processed').length;
  if (processed > 0) return { outcome: 'processed' };
  if (messages.length === 0) return { outcome: 'unclear', problem: 'nothing converted and no failure given' };
  return { outcome: 'failed' };
}
