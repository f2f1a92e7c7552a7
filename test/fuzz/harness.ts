import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { judge, type Outcome } from './clear.ts';
import type { Variant } from './generate.ts';
import type { RunAnswer } from './runner.ts';

const RUNNER = resolve(import.meta.dirname, 'runner.ts');

export interface HarnessLimits {
  /** Wall-clock time one input may take before its process is killed (a `timeout` finding). */
  timeoutMs: number;
  /** Resident set the converting process may reach before it is killed (an `over-memory` finding). */
  rssLimitBytes: number;
}

/** 512 MiB per input, 120 s per input (this machine is shared and loaded; the slowest sample variant takes ~10 s). */
export const DEFAULT_LIMITS: HarnessLimits = { timeoutMs: 120_000, rssLimitBytes: 512 * 1024 * 1024 };

export interface FuzzResult {
  id: string;
  kind: string;
  base: string;
  detail: string;
  size: number;
  outcome: Outcome;
  problem?: string;
  ms: number;
  peakRss: number;
  /** The failure messages the input ended with (first few), for the record. */
  messages: string[];
}

type Message = RunAnswer | { ready: true } | { fatal: string };

/** The resident set of a process from /proc (Linux), or undefined elsewhere or once it is gone. */
function rssOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs variants one at a time through a child process (runner.ts) that converts them with
 * `furrow convert`'s code, watching its time and resident set from outside, so that a hung or
 * ballooning conversion is killed and reported rather than taking the harness down.
 */
export class FuzzHarness {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private stderrTail = '';
  private work?: string;

  constructor(private readonly limits: HarnessLimits = DEFAULT_LIMITS) {}

  private start(): Promise<void> {
    const child = fork(RUNNER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, FURROW_LOG_LEVEL: 'silent' } });
    this.child = child;
    this.stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
    this.ready = new Promise((resolvePromise, reject) => {
      child.once('message', (m: Message) => ('ready' in m ? resolvePromise() : reject(new Error('fuzz runner did not start'))));
      child.once('exit', (code) => reject(new Error(`fuzz runner exited with ${code} before starting: ${this.stderrTail}`)));
    });
    return this.ready;
  }

  private stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    this.ready = undefined;
  }

  async run(variant: Variant): Promise<FuzzResult> {
    this.work ??= await mkdtemp(join(tmpdir(), 'furrow-fuzz-'));
    if (!this.child) await this.start();
    await this.ready;
    const child = this.child!;
    const dir = join(this.work, variant.id);
    const input = join(dir, 'input.zip');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(input, variant.bytes);
    const started = performance.now();
    const base = { id: variant.id, kind: variant.kind, base: variant.base, detail: variant.detail, size: variant.bytes.length };
    let watchedPeak = 0;
    const settled = await new Promise<{ answer?: RunAnswer; outcome?: Outcome; problem?: string }>((resolvePromise) => {
      let fatal = '';
      const onMessage = (m: Message): void => {
        if ('fatal' in m) fatal = m.fatal;
        else if ('exitCode' in m) finish({ answer: m });
      };
      const onExit = (code: number | null, signal: string | null): void =>
        finish({ outcome: 'crash', problem: `process ended (${signal ?? `exit ${code}`}) ${fatal ? fatal.split('\n').slice(0, 4).join(' | ') : this.stderrTail.slice(-600)}` });
      const timer = setTimeout(() => finish({ outcome: 'timeout', problem: `still running after ${this.limits.timeoutMs} ms` }, true), this.limits.timeoutMs);
      const watch = setInterval(() => {
        const rss = rssOf(child.pid!);
        if (rss === undefined) return;
        watchedPeak = Math.max(watchedPeak, rss);
        if (rss > this.limits.rssLimitBytes) finish({ outcome: 'over-memory', problem: `resident set reached ${Math.round(rss / 2 ** 20)} MiB` }, true);
      }, 25);
      const finish = (result: { answer?: RunAnswer; outcome?: Outcome; problem?: string }, kill = false): void => {
        clearTimeout(timer);
        clearInterval(watch);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (kill || !result.answer) this.stop();
        resolvePromise(result);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ input, outDir: join(dir, 'out') });
    });
    await rm(dir, { recursive: true, force: true });
    const ms = performance.now() - started;
    if (!settled.answer) return { ...base, outcome: settled.outcome!, problem: settled.problem, ms, peakRss: watchedPeak, messages: [] };
    const { answer } = settled;
    const verdict = judge(answer);
    const messages = answer.report ? [...answer.report.failures.map((f) => f.reason), ...answer.report.operations.filter((o) => o.status !== 'processed').map((o) => o.statusDetails)].slice(0, 5) : [];
    return { ...base, ...verdict, ms: answer.ms, peakRss: Math.max(answer.peakRss, watchedPeak), messages };
  }

  async close(): Promise<void> {
    this.stop();
    if (this.work) await rm(this.work, { recursive: true, force: true });
  }
}
