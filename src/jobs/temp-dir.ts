import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../store/types.ts';

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
