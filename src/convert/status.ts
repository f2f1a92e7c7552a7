/** Leaf's processing steps (leaf-api.md §7), in the order they run. */
export const STEPS = [
  'originalFile',
  'rawGeojson',
  'normalizedGeojson',
  'standardGeojson',
  'cleanupGeojson',
  'areaAndYield',
  'summary',
  'units',
  'propertiesPNGs',
  'zippedPNGs',
  'filteredGeojson',
] as const;
export type StepName = (typeof STEPS)[number];

export interface StepStatus {
  status: 'processed' | 'failed' | 'skipped';
  message: string;
}


/** Records the outcome of each step; once a step fails, every later one is marked as skipped because of it (as Leaf's sample shows). */
export class StepTracker {
  private readonly steps = new Map<StepName, StepStatus>();
  private failedStep: StepName | undefined;

  has(step: StepName): boolean {
    return this.steps.has(step);
  }

  ok(step: StepName, message = 'ok'): void {
    this.steps.set(step, { status: 'processed', message });
  }

  /**
   * A step that could not make its output from this operation's points (no point passed cleanup)
   * while the operation itself converted: failed with its reason, later steps still run.
   */
  incomplete(step: StepName, message: string): void {
    this.steps.set(step, { status: 'failed', message });
  }

  fail(step: StepName, message: string): void {
    this.steps.set(step, { status: 'failed', message });
    this.failedStep ??= step;
  }

  get failure(): { step: StepName; message: string } | undefined {
    return this.failedStep ? { step: this.failedStep, message: this.steps.get(this.failedStep)!.message } : undefined;
  }

  toJSON(): Record<StepName, StepStatus> {
    const result = {} as Record<StepName, StepStatus>;
    for (const step of STEPS) {
      result[step] =
        this.steps.get(step) ??
        (this.failedStep ? { status: 'failed', message: 'skipped' } : { status: 'skipped', message: 'skipped' });
    }
    return result;
  }
}
