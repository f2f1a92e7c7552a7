import { Type, type Static } from 'typebox';
import { STEPS, type StepName } from '../../convert/status.ts';
import { BATCH_STAGES, FAILURE_PREVIEW, PROVIDERS, type Batch, type FileEntry } from '../../store/types.ts';

export const Uuid = Type.String({ format: 'uuid' });
export const Provider = Type.Enum([...PROVIDERS], { description: '`Other` lets Furrow detect the format (it always does)' });

export const BatchFailureJson = Type.Object({ path: Type.String({ description: 'where in the zip (empty: the upload as a whole)' }), reason: Type.String() });

export const BatchProgressJson = Type.Object(
  {
    bytesDone: Type.Integer({ description: 'uncompressed bytes of the recognised datasets the conversion has worked through' }),
    bytesTotal: Type.Integer({ description: 'uncompressed bytes of every file of the recognised datasets' }),
    fraction: Type.Number({ minimum: 0, maximum: 1, description: 'bytesDone / bytesTotal, rounded down; 1 only when the conversion is done' }),
    operationsDone: Type.Integer(),
    operationsTotal: Type.Integer({ description: 'operations this run converts, as far as known: a large upload is converted in slices, each adding its operations when it starts' }),
    stage: Type.Enum([...BATCH_STAGES], { description: 'what the operation being converted is doing; `queued` between two slices of a large upload; `done` at the end' }),
  },
  { description: 'Furrow extension: where the conversion stands, updated about once a second while it runs; absent before it starts' },
);

export const BatchJson = Type.Object({
  id: Uuid,
  leafUserId: Uuid,
  fileName: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  provider: Provider,
  status: Type.Enum(['RECEIVED', 'PROCESSING', 'PROCESSED', 'FAILED']),
  uploadTimestamp: Type.String({ format: 'date-time' }),
  statusDetails: Type.Optional(Type.String({ description: 'why the batch FAILED' })),
  leafFiles: Type.Optional(Type.Array(Uuid, { description: 'ids of the file entries made from this batch (GET /batch/{id} only)' })),
  failures: Type.Optional(
    Type.Array(BatchFailureJson, {
      description: `Furrow extension: the first parts of the zip that could not be read, at most ${FAILURE_PREVIEW} (GET /batch/{id} only); all of them at GET /batch/{id}/failures`,
    }),
  ),
  failureCount: Type.Optional(Type.Integer({ description: 'Furrow extension: how many parts of the zip could not be read in all (GET /batch/{id} only)' })),
  progress: Type.Optional(BatchProgressJson),
});
export type BatchJsonType = Static<typeof BatchJson>;

export const BatchUploadQuery = Type.Object({
  leafUserId: Type.Optional(Uuid),
  provider: Type.Optional(Provider),
});

export const UploadForm = Type.Object({
  leafUserId: Type.Optional(Uuid),
  provider: Type.Optional(Provider),
  file: Type.String({ format: 'binary', description: 'the .zip; after leafUserId and provider when those are sent as fields' }),
});

const FileIds = Type.Object({ leafFiles: Type.Array(Uuid) });
export const BatchStatusJson = Type.Object({
  converted: FileIds,
  processing: FileIds,
  failed: Type.Record(Type.String(), Type.Object({ leafFiles: Type.Array(Uuid), status: Type.Literal('failed'), message: Type.String() }), { description: 'by the step that failed' }),
});
export type BatchStatusJsonType = Static<typeof BatchStatusJson>;

export function batchJson(batch: Batch, detail?: { files: FileEntry[] }): BatchJsonType {
  const json: BatchJsonType = {
    id: batch.id,
    leafUserId: batch.leafUserId,
    fileName: batch.fileName,
    size: batch.size,
    provider: batch.provider,
    status: batch.status,
    uploadTimestamp: batch.uploadTimestamp,
  };
  if (batch.statusDetails) json.statusDetails = batch.statusDetails;
  if (batch.progress) json.progress = batch.progress;
  if (detail) {
    json.leafFiles = detail.files.map((f) => f.id);
    json.failures = batch.failures;
    json.failureCount = batch.failureCount;
  }
  return json;
}

/** The step a failed file failed at: the first failed step that is not merely skipped after an earlier failure. */
function failedStep(file: FileEntry): { step: StepName | 'unknown'; message: string } {
  for (const step of STEPS) {
    const status = file.steps[step];
    if (status?.status === 'failed' && status.message !== 'skipped') return { step, message: status.message };
  }
  return { step: 'unknown', message: file.statusDetails ?? 'failed' };
}

export function batchStatusJson(files: FileEntry[]): BatchStatusJsonType {
  const json: BatchStatusJsonType = { converted: { leafFiles: [] }, processing: { leafFiles: [] }, failed: {} };
  for (const file of files) {
    if (file.status === 'processed') json.converted.leafFiles.push(file.id);
    else if (file.status === 'processing') json.processing.leafFiles.push(file.id);
    else {
      const { step, message } = failedStep(file);
      json.failed[step] ??= { leafFiles: [], status: 'failed', message };
      json.failed[step].leafFiles.push(file.id);
    }
  }
  return json;
}
