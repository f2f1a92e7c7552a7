import cliProgress from 'cli-progress';
import type { ConversionProgress, ReportOperation } from '../convert-input.ts';
import type { OperationResult } from '../pipeline.ts';

/** What `furrow convert` shows while it converts: a bar on a terminal, lines in a log. */
export interface ProgressView {
  start(operationCount: number, bytesTotal: number): void;
  update(state: ConversionProgress): void;
  operationDone(operation: ReportOperation, result: OperationResult): void;
  stop(): void;
}

/** How much of the input is done, 0 to 1; by operations when the operations read no bytes (closed formats list operations only). */
export function fractionDone(state: ConversionProgress): number {
  if (state.bytesTotal > 0) return Math.min(1, state.bytesDone / state.bytesTotal);
  return state.operationsTotal > 0 ? state.operationsDone / state.operationsTotal : 1;
}

const MB = 1e6;

/** `420/1024 MB`, with a decimal while the total is under 10 MB (`0.6/8.6 MB`). */
export function megabytes(done: number, total: number): string {
  const digits = total < 10 * MB ? 1 : 0;
  return `${(done / MB).toFixed(digits)}/${(total / MB).toFixed(digits)} MB`;
}

/** `950`, `12.3 k`, `1.2 M`. */
export function pointsText(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1e6) return `${(count / 1000).toFixed(1)} k`;
  return `${(count / 1e6).toFixed(1)} M`;
}

/** `converting [======----] 41% 420/1024 MB  op 1/3 TASKDATA/TSK1-harvested reading`. */
export function barLine(state: ConversionProgress, width = 30): string {
  const fraction = fractionDone(state);
  const filled = Math.round(fraction * width);
  const op = state.current ? `op ${state.current.index + 1}/${state.operationsTotal} ${state.current.dir} ${state.current.stage}` : `${state.operationsDone}/${state.operationsTotal} operations`;
  return `converting [${'='.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${megabytes(state.bytesDone, state.bytesTotal)}  ${op}`;
}

/** `TASKDATA/TSK1-harvested: 37% of input, 1.2 M points, writing`, the line a log gets now and then during a long operation. */
export function statusLine(state: ConversionProgress): string | undefined {
  const current = state.current;
  if (!current) return undefined;
  return `${current.dir}: ${Math.floor(fractionDone(state) * 100)}% of input, ${pointsText(current.points)} points, ${current.stage}`;
}

/** `TASKDATA/TSK1-harvested: processed, 4483 points`, a line per operation done. */
export function operationLine(operation: ReportOperation, result: OperationResult): string {
  return `${operation.dir}: ${operation.status}, ${result.pointCount} points${operation.status === 'processed' ? '' : ` (${operation.statusDetails})`}`;
}

/** The bar on a terminal: cli-progress redraws it in place, at most 10 times a second. */
export function terminalView(stream: NodeJS.WriteStream): ProgressView {
  let latest: ConversionProgress = { bytesDone: 0, bytesTotal: 0, operationsDone: 0, operationsTotal: 0 };
  const bar = new cliProgress.SingleBar({ format: () => barLine(latest), hideCursor: true, stream, fps: 10 });
  let started = false;
  return {
    start(operationCount, bytesTotal) {
      latest = { bytesDone: 0, bytesTotal, operationsDone: 0, operationsTotal: operationCount };
      bar.start(1, 0);
      started = true;
    },
    update(state) {
      latest = state;
      if (started) bar.update(fractionDone(state));
    },
    operationDone() {},
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/**
 * Lines for a log or CI, where a redrawn bar is noise: one per operation done, and one every
 * `everyMs` while an operation runs long, so a 1 GB operation still shows it is moving.
 */
export function logView(write: (line: string) => void, now: () => number = Date.now, everyMs = 10_000): ProgressView {
  let last = now();
  return {
    start() {
      last = now();
    },
    update(state) {
      if (now() - last < everyMs) return;
      const line = statusLine(state);
      if (line === undefined) return;
      write(line);
      last = now();
    },
    operationDone(operation, result) {
      write(operationLine(operation, result));
      last = now();
    },
    stop() {},
  };
}
