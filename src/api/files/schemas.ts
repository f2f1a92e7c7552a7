import { Type, type Static } from 'typebox';
import { STEPS } from '../../convert/status.ts';
import { OPERATION_TYPES } from '../../model/operations.ts';
import { FILE_SORT_FIELDS } from '../../store/types.ts';
import { PagingQuery } from '../paging.ts';
import { Uuid } from '../batches/schemas.ts';

export const FILE_STATUSES = ['processed', 'processing', 'failed'] as const;
export const FILE_ORIGINS = ['provider', 'automerged', 'merged', 'uploaded'] as const;

/** Outputs a file entry links to: `<name>` and `download<Name>` (Leaf's two URL forms, here the same Bearer-protected route). */
export const LINKED_OUTPUTS = ['originalFile', 'rawGeojson', 'normalizedGeojson', 'standardGeojson', 'filteredGeojson'] as const;
/** Everything the download route serves: the linked outputs, and Furrow's extras (every point with the filter that removed it, coverage polygons, all PNGs zipped). */
export const DOWNLOADS = [...LINKED_OUTPUTS, 'summary', 'annotatedGeojson', 'coverageGeojson', 'coverageFlatGeobuf', 'zippedPNGs'] as const;
export type Download = (typeof DOWNLOADS)[number];

const Url = Type.String({ format: 'uri' });
const linkProperties = Object.fromEntries(
  LINKED_OUTPUTS.flatMap((name) => [
    [name, Type.Optional(Url)],
    [`download${name[0]!.toUpperCase()}${name.slice(1)}`, Type.Optional(Url)],
  ]),
);

const Json = Type.Unknown();

export const FileJson = Type.Object({
  id: Uuid,
  leafUserId: Uuid,
  apiOwnerUsername: Type.String(),
  provider: Type.String(),
  fileName: Type.String(),
  fileFormat: Type.String(),
  sizeInBytes: Type.Integer(),
  origin: Type.Enum([...FILE_ORIGINS]),
  status: Type.Enum([...FILE_STATUSES]),
  statusDetails: Type.Optional(Type.String()),
  createdTime: Type.String({ format: 'date-time' }),
  updatedTime: Type.String({ format: 'date-time' }),
  batchId: Type.Optional(Uuid),
  sources: Type.Array(Uuid),
  operationType: Type.String(),
  fields: Type.Array(Uuid, { description: 'Leaf field ids; Furrow has no fields yet, always empty' }),
  summary: Type.Optional(Type.Unknown({ description: 'GeoJSON Feature, as GET /files/{id}/summary; null while processing' })),
  warnings: Type.Array(Type.String(), { description: 'Furrow extension: what the conversion had to assume or leave out' }),
  ...linkProperties,
});
export type FileJsonType = Static<typeof FileJson> & Record<string, unknown>;

export const FileListQuery = Type.Object({
  leafUserId: Type.Optional(Uuid),
  provider: Type.Optional(Type.String()),
  status: Type.Optional(Type.Enum([...FILE_STATUSES])),
  origin: Type.Optional(Type.Enum([...FILE_ORIGINS])),
  organizationId: Type.Optional(Type.String({ description: 'John Deere organizations only: no Furrow file has one' })),
  batchId: Type.Optional(Uuid),
  operationType: Type.Optional(Type.Enum([...OPERATION_TYPES])),
  createdTime: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
  startTime: Type.Optional(Type.String({ format: 'date-time', description: 'operation started at or after' })),
  updatedTime: Type.Optional(Type.String({ format: 'date-time', description: 'updated at or after' })),
  endTime: Type.Optional(Type.String({ format: 'date-time', description: 'operation ended at or before' })),
  minArea: Type.Optional(Type.Number({ minimum: 0, description: 'summary totalArea at least this many m²' })),
  sort: Type.Optional(Type.Array(Type.String(), { description: `field[,asc|desc], repeatable, first wins; fields: ${FILE_SORT_FIELDS.join(', ')}` })),
  ...PagingQuery,
});
export type FileListQueryType = Static<typeof FileListQuery>;

export const FileParams = Type.Object({ id: Uuid });

export const StepsJson = Type.Record(Type.String(), Type.Object({ status: Type.Enum(['processed', 'failed', 'skipped']), message: Type.String() }), {
  description: `step → status; steps: ${STEPS.join(', ')}`,
});

export const ImageJson = Type.Object(
  {
    property: Type.String(),
    ramp: Json,
    url: Url,
    downloadUrl: Url,
    auxUrl: Type.Optional(Type.String({ format: 'uri', description: 'GDAL PAM sidecar (SRS + GeoTransform) of the PNG' })),
    legend: Type.Optional(Json),
    projection: Type.Optional(Type.String()),
    bounds: Type.Optional(Type.Array(Type.Number(), { description: '[west, south, east, north] in WGS84 degrees' })),
  },
  { additionalProperties: true },
);

export const MergeBody = Type.Object({ ids: Type.Array(Uuid, { description: 'at least two processed files of one Leaf user and operation type' }) });
export const MergeResult = Type.Object({ id: Uuid, status: Type.Literal('SENT_TO_MERGE') });
