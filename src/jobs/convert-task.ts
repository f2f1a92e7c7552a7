/*
 * The functions the conversion thread pool runs (loaded by convert-worker.mjs). Inputs and
 * results are plain data: they cross the thread boundary by structured clone.
 */
export { convertBatchZip } from './batch-conversion.ts';
export { mergeOperations } from './merge-operations.ts';
