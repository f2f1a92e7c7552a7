import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/furrow.mjs');

export interface StartedServe {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Starts `furrow serve` on 127.0.0.1 and a free port over `dataDir` and resolves with its address once it listens
 * (rejects if it exits or has not started within 30 s). The child is pushed to `children` so the test's `after` can kill it.
 */
export function startServe(dataDir: string, env: Record<string, string>, children: ChildProcess[]): Promise<StartedServe> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, FURROW_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', FURROW_WORKERS: '1', FURROW_LOG_LEVEL: 'warn', FURROW_JOB_LEASE_SECONDS: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`furrow serve did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`furrow serve exited with ${code}:\n${output}`));
    });
  });
}
