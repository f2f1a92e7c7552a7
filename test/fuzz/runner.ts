import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runConvert } from '../../src/cli/convert.ts';
import type { ConversionReport } from '../../src/convert-input.ts';

/*
 * The child process of the fuzz harness: runs `furrow convert`'s own entry point (runConvert, the
 * function behind the command) on one input at a time, sent over IPC, and answers with its exit
 * code, report, what it printed, any unhandled rejection, its time and its peak RSS for that input.
 * A fresh process per input would cost ~3 s of start-up each; the harness restarts this one
 * whenever an input kills it, overruns its time or its memory bound.
 */

export interface RunRequest {
  input: string;
  outDir: string;
}

export interface RunAnswer {
  exitCode: number;
  /** report.json as runConvert wrote it; undefined when it threw before writing one. */
  report?: ConversionReport;
  printed: string[];
  thrown?: string;
  unhandled: string[];
  ms: number;
  /** Peak resident set of this process while the input ran (VmHWM after a reset), in bytes. */
  peakRss: number;
}

let unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)));
process.on('uncaughtException', (error) => {
  process.send?.({ fatal: error.stack ?? error.message });
  process.exit(70);
});

const printed: string[] = [];
console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
console.log = console.error;
console.warn = console.error;

/** Resets the kernel's peak-RSS mark of this process (Linux: /proc/self/clear_refs "5"); false where that is not possible. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(resettable: boolean): number {
  if (resettable) {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  // Without a resettable mark: the peak since this process started (an upper bound for the input).
  return process.resourceUsage().maxRSS * 1024;
}

process.on('message', (request: RunRequest) => {
  void (async () => {
    printed.length = 0;
    unhandled = [];
    const resettable = resetPeak();
    const started = performance.now();
    let exitCode = -1;
    let thrown: string | undefined;
    try {
      // The settings `furrow convert <input> -o <dir>` runs with (its option defaults).
      exitCode = await runConvert(request.input, request.outDir, { units: 'default', provider: 'Other', geojson: false });
    } catch (error) {
      thrown = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
    const ms = performance.now() - started;
    // A rejection left behind surfaces a turn later; give it that turn before answering.
    await new Promise((r) => setTimeout(r, 20));
    let report: ConversionReport | undefined;
    try {
      report = JSON.parse(await readFile(join(request.outDir, 'report.json'), 'utf8')) as ConversionReport;
    } catch {
      report = undefined;
    }
    const answer: RunAnswer = { exitCode, report, printed: [...printed], thrown, unhandled, ms, peakRss: peakRss(resettable) };
    process.send?.(answer);
  })();
});

process.send?.({ ready: true });
