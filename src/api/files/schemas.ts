import { Type, type Static } from 'typebox';
import { STEPS } from '../../convert/status.ts';
import { OPERATION_TYPES } from '../../model/operations.ts';
import { FILE_SORT_FIELDS, PROVIDERS } from '../../store/types.ts';
import { PagingQuery } from '../paging.ts';
import { Uuid } from '../batches/schemas.ts';

export const FILE_STATUSES = ['processed', 'processing', 'failed'] as const;
export const FILE_ORIGINS = ['provider', 'automerged', 'merged', 'uploaded'] as const;

/**
 * Outputs a file entry links to, in Leaf's two forms: `<name>`, a signed expiring URL that opens
 * without a token (as Leaf's plain links did), and `download<Name>`, the download route that needs
 * the bearer token.
 */
export const LINKED_OUTPUTS = ['originalFile', 'rawGeojson', 'normalizedGeojson', 'standardGeojson', 'filteredGeojson', 'zippedPNGs'] as const;
export type LinkedOutput = (typeof LINKED_OUTPUTS)[number];
/** Everything the download route serves: the linked outputs, and Furrow's extras (the summary, every point with the filter that removed it, coverage polygons). */
export const DOWNLOADS = [...LINKED_OUTPUTS, 'summary', 'annotatedGeojson', 'coverageGeojson', 'coverageFlatGeobuf'] as const;
export type Download = (typeof DOWNLOADS)[number];

const SignedUrl = Type.String({ format: 'uri', description: 'signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403' });
const BearerUrl = Type.String({ format: 'uri', description: 'download route: needs the bearer token' });
export const downloadName = (what: LinkedOutput) => `download${what[0]!.toUpperCase()}${what.slice(1)}`;
const linkProperties = Object.fromEntries(LINKED_OUTPUTS.flatMap((name) => [[name, Type.Optional(SignedUrl)], [downloadName(name), Type.Optional(BearerUrl)]]));

const Json = Type.Unknown();

export const FileJson = Type.Object({
  id: Uuid,
  leafUserId: Uuid,
  apiOwnerUsername: Type.String(),
  provider: Type.Enum([...PROVIDERS], { description: 'Leaf provider value: the upload’s `provider`, or for `Other` the provider whose format the file is (else the machine brand’s, else `Other`); `Leaf` for merged files' }),
  machineBrand: Type.Optional(Type.String({ description: 'Furrow extension: the machine brand the file names (ISOXML TaskControllerManufacturer) when it is not a Leaf provider value' })),
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
  fields: Type.Array(Uuid, { description: 'Leaf field ids the file intersects. Furrow has no field boundaries yet: always empty' }),
  summary: Type.Union([Type.Object({}, { additionalProperties: true, description: 'GeoJSON Feature, as GET /files/{id}/summary' }), Type.Null()], { description: 'null while processing or when the conversion failed' }),
  warnings: Type.Array(Type.String(), { description: 'Furrow extension: what the conversion had to assume or leave out' }),
  ...linkProperties,
});
export type FileJsonType = Static<typeof FileJson>;

/** GET /files: Leaf's documented body, the entries under `operations` (FURROW_FILES_LIST_FORMAT=array: the bare array). */
export const FileList = Type.Object({ operations: Type.Array(FileJson) });

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
    url: SignedUrl,
    downloadUrl: BearerUrl,
    auxUrl: Type.Optional(Type.String({ format: 'uri', description: 'signed link to the GDAL PAM sidecar (SRS + GeoTransform) of the PNG: `url` + `.aux.xml`' })),
    legend: Type.Optional(Json),
    projection: Type.Optional(Type.String()),
    bounds: Type.Optional(Type.Array(Type.Number(), { description: '[west, south, east, north] in WGS84 degrees' })),
  },
  { additionalProperties: true },
);

export const MergeBody = Type.Object({ ids: Type.Array(Uuid, { description: 'at least two processed files of one Leaf user and operation type' }) });
export const MergeResult = Type.Object({ id: Uuid, status: Type.Literal('SENT_TO_MERGE') });
