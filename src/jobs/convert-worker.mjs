// Entry of the conversion threads. A worker thread does not inherit the loader hooks that run
// TypeScript in the main thread (they are set up by bin/furrow.mjs, not by --import), so it
// registers tsx itself before loading the TypeScript tasks.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./convert-task.ts');

export const convertBatchZip = tasks.convertBatchZip;
export const mergeOperations = tasks.mergeOperations;
