import { Piscina } from 'piscina';
import type { BatchConversionInput, BatchConversionResult } from './batch-conversion.ts';
import type { MergeInput, MergeOutcome } from './merge-operations.ts';

/** Conversion is CPU-bound (inflating, decoding, writing GeoJSON text): it runs in worker threads so the job loop, heartbeats and the API stay responsive. */
export interface ConvertPool {
  convertBatch(input: BatchConversionInput, signal?: AbortSignal): Promise<BatchConversionResult>;
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
    convertBatch: (input, signal) => pool.run(input, { name: 'convertBatchZip', signal }) as Promise<BatchConversionResult>,
    merge: (input, signal) => pool.run(input, { name: 'mergeOperations', signal }) as Promise<MergeOutcome>,
    close: () => pool.destroy(),
  };
}
