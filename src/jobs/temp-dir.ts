import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job, MetadataStore } from '../store/types.ts';

function tempRoot(dataDir: string): string {
  return join(dataDir, 'tmp', 'jobs');
}

/** Removes what earlier attempts of a job left behind (a worker that crashed leaves its folder). */
export async function removeJobTempDirs(dataDir: string, jobId: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tempRoot(dataDir));
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(`${jobId}-`)) await rm(join(tempRoot(dataDir), name), { recursive: true, force: true });
}

/** A folder of a job handed to BullMQ is kept this long: the database cannot tell whether a worker still runs it. */
const DISPATCHED_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the scratch folders of job attempts that no longer run (their process was killed): at a
 * worker's start, before any job of its own. A folder whose attempt holds a live lease belongs to
 * another worker process on this machine and stays. Returns how many were removed.
 */
export async function sweepJobTempDirs(dataDir: string, store: Pick<MetadataStore, 'findJob'>): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tempRoot(dataDir));
  } catch {
    return 0;
  }
  let removed = 0;
  const now = Date.now();
  for (const name of names) {
    const match = /^(.+)-(\d+)$/.exec(name);
    const path = join(tempRoot(dataDir), name);
    const job = match ? await store.findJob(match[1]!) : undefined;
    const live = job?.state === 'running' && job.attempts === Number(match![2]) && job.leaseUntil !== null && Date.parse(job.leaseUntil) > now;
    if (live) continue;
    if (job?.state === 'dispatched' && now - (await stat(path)).mtimeMs < DISPATCHED_KEEP_MS) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Runs `fn` with a fresh scratch folder of this attempt of the job under `<dataDir>/tmp/jobs`, removed afterwards. */
export async function withJobTempDir<T>(dataDir: string, job: Job, fn: (dir: string) => Promise<T>): Promise<T> {
  await removeJobTempDirs(dataDir, job.id);
  const dir = join(tempRoot(dataDir), `${job.id}-${job.attempts}`);
  await mkdir(dir, { recursive: true });
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
