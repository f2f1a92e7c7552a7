import type { BatchProgress, BatchStage, MetadataStore } from '../store/types.ts';
import type { SliceProgress } from './batch-conversion.ts';

/** bytesDone / bytesTotal rounded down, so that a batch never reads 1 before it is done; by operations when there are no bytes. */
export function progressFraction(p: Pick<BatchProgress, 'bytesDone' | 'bytesTotal' | 'operationsDone' | 'operationsTotal'>): number {
  const ratio = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.operationsTotal > 0 ? p.operationsDone / p.operationsTotal : 1;
  return Math.floor(Math.min(1, ratio) * 10_000) / 10_000;
}

/** A slice's figures as the batch's: the operations of the run's earlier slices added. */
export function batchProgress(slice: SliceProgress, earlierOperations: number, stage: BatchStage = slice.stage ?? 'reading'): BatchProgress {
  const progress = {
    bytesDone: Math.min(slice.bytesDone, slice.bytesTotal),
    bytesTotal: slice.bytesTotal,
    operationsDone: earlierOperations + slice.operationsDone,
    operationsTotal: earlierOperations + slice.operationsTotal,
  };
  return { ...progress, fraction: progressFraction(progress), stage };
}

/**
 * Writes a batch's progress as the conversion thread reports it: one write at a time, and a
 * report that arrives while one is under way replaces any other waiting (only the newest
 * matters). A failed write is dropped: progress is a display, the conversion goes on.
 */
export class ProgressWriter {
  private writing: Promise<void> | undefined;
  private waiting: BatchProgress | undefined;
  private stopped = false;
  latest: BatchProgress | undefined;

  constructor(
    private readonly store: Pick<MetadataStore, 'updateBatch'>,
    private readonly batchId: string,
  ) {}

  report(progress: BatchProgress): void {
    if (this.stopped) return;
    this.latest = progress;
    this.waiting = progress;
    this.writing ??= this.drain();
  }

  /** No writes after this one; resolves once the last has landed, so that the slice's own final word comes after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.waiting) {
      const progress = this.waiting;
      this.waiting = undefined;
      await this.store.updateBatch(this.batchId, { progress }).catch(() => {});
    }
    this.writing = undefined;
  }
}
