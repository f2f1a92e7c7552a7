import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { BatchConversionInput, BatchConversionResult, SliceProgress } from './batch-conversion.ts';
import type { MergeInput, MergeOutcome } from './merge-operations.ts';

/** Conversion is CPU-bound (inflating, decoding, writing GeoJSON text): it runs in worker threads so the job loop, heartbeats and the API stay responsive. */
export interface ConvertPool {
  /** `onProgress` hears the slice's progress while it converts, at most once a second. */
  convertBatch(input: Omit<BatchConversionInput, 'progress'>, signal?: AbortSignal, onProgress?: (progress: SliceProgress) => void): Promise<BatchConversionResult>;
  merge(input: MergeInput, signal?: AbortSignal): Promise<MergeOutcome>;
  close(): Promise<void>;
}

/** Threads that sat idle this long end; the next task starts one again (about half a second to load the converter). */
const IDLE_TIMEOUT_MS = 60_000;

export function createConvertPool(threads: number): ConvertPool {
  const pool = new Piscina({
    filename: new URL('./convert-worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: IDLE_TIMEOUT_MS,
  });
  return {
    async convertBatch(input, signal, onProgress) {
      if (!onProgress) return (await pool.run(input, { name: 'convertBatchZip', signal })) as BatchConversionResult;
      // The thread posts on its end of a channel of its own: progress of one task never mixes with another's.
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: SliceProgress) => onProgress(message));
      try {
        const task: BatchConversionInput = { ...input, progress: port2 };
        return (await pool.run(task, { name: 'convertBatchZip', signal, transferList: [port2] })) as BatchConversionResult;
      } finally {
        port1.close();
      }
    },
    merge: (input, signal) => pool.run(input, { name: 'mergeOperations', signal }) as Promise<MergeOutcome>,
    close: () => pool.destroy(),
  };
}
