/*
 * Generated from Furrow 0.1.0's /openapi.json by clients/ts/scripts/generate.ts (openapi-typescript).
 * Do not edit: run `npm run client:generate` after changing a route's schema.
 */

export interface paths {
    "/api/authenticate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange an API owner username and password for a bearer token
         * @description Failed logins are counted per client address and per username: after FURROW_LOGIN_FREE_ATTEMPTS failures each further one blocks that address or username for 1 s, 2 s, 4 s, … up to FURROW_LOGIN_MAX_DELAY_SECONDS (429 with Retry-After). 503 with Retry-After when too many logins wait for password hashing.
         */
        post: operations["authenticate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/owners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API owners (administrators) */
        get: operations["listOwners"];
        put?: never;
        /** Create an API owner (administrators) */
        post: operations["createOwner"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/owners/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an API owner (administrators; any owner for itself) */
        get: operations["getOwner"];
        put?: never;
        post?: never;
        /**
         * Delete an API owner with all its Leaf users, uploads, files and webhooks (administrators)
         * @description The stored uploads and outputs are purged by background jobs queued with the deletion. The last enabled administrator cannot be deleted.
         */
        delete: operations["deleteOwner"];
        options?: never;
        head?: never;
        /** Disable, enable, promote or demote an API owner (administrators) */
        patch: operations["updateOwner"];
        trace?: never;
    };
    "/api/owners/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change an API owner’s password (administrators; any owner its own, with the current one)
         * @description Every token of the owner issued before stops working (the caller’s own too when it changes its own password): authenticate again.
         */
        put: operations["changeOwnerPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/owners/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API owner of the token */
        get: operations["getCurrentOwner"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/alerts/api/alerts/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhooks */
        get: operations["listWebhooks"];
        put?: never;
        /** Register a webhook */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/alerts/api/alerts/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete a webhook */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/alerts/api/alerts/webhooks/failed-calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries that failed */
        get: operations["listFailedCalls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List uploads */
        get: operations["listBatches"];
        put?: never;
        /**
         * Upload a zip of machine data
         * @description multipart/form-data with the zip in the part `file`. `leafUserId` and `provider` come as query parameters, or as form fields placed before the file part. The zip is stored durably before the answer; conversion runs in the background.
         */
        post: operations["uploadBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/batch/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an upload and its file ids */
        get: operations["getBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/batch/{id}/failures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every part of an upload that could not be read, paged
         * @description GET /batch/{id} carries the first failures and their count; this lists all of them in the order found, with `X-Total-Count` and `Link` headers.
         */
        get: operations["listBatchFailures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/batch/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Process an upload again */
        put: operations["retryBatch"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/batch/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** File ids of an upload grouped by processing state */
        get: operations["getBatchStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List files
         * @description Leaf’s documented body: the entries under `operations`. With FURROW_FILES_LIST_FORMAT=array the server answers the bare array instead (for clients of the older form). Paging in the `X-Total-Count` and `Link` headers.
         */
        get: operations["listFiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a file */
        get: operations["getFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/download/{what}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an output or the original upload
         * @description Needs the bearer token (the entry's `download*` links). Supports a single `Range: bytes=…` request (206, or 416 when it starts past the end). With FURROW_S3_PRESIGN_SECONDS set, answers 302 to a pre-signed S3 URL instead (Range requests too: S3 honours the Range header there).
         */
        get: operations["downloadFileOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * PNG map per numeric property (leaf-api.md §6), each with a GDAL .aux.xml georeference and a legend
         * @description `url` and `auxUrl` are signed links that open without a token until they expire (FURROW_LINK_SECONDS); `downloadUrl` needs the bearer token.
         */
        get: operations["listFileImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/images/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One PNG image or its .png.aux.xml georeference (bearer token; the signed `url` needs none) */
        get: operations["getFileImage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/map-points": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every k-th point of the filtered (or standard) GeoJSON with one property, for a web map
         * @description A FeatureCollection of at most `limit` points (k doubles until they fit, so between limit / 2 and limit once the layer has more), each with only `property`; the foreign member `furrow` gives the layer, the points read (`total`), kept and the step k, and the min and max of the property among the kept points. `layer=filtered` (default) falls back to `standard` when the file has no filtered output.
         */
        get: operations["getFileMapPoints"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/signed/{expires}/{signature}/{what}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An output by signed link (no token): the plain links of a file entry */
        get: operations["openSignedFileOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/signed/{expires}/{signature}/images/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A PNG map or its .aux.xml by signed link (no token): the `url` of GET /files/{id}/images */
        get: operations["openSignedFileImage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of each processing step */
        get: operations["getFileStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Summary of a file: a GeoJSON Feature */
        get: operations["getFileSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/{id}/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Unit of each property of the standard outputs */
        get: operations["getFileUnits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/operations/api/files/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Merge processed files of one Leaf user and operation type */
        post: operations["mergeFiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/usermanagement/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Leaf users */
        get: operations["listUsers"];
        /** Replace a Leaf user (body carries the id) */
        put: operations["replaceUser"];
        /** Create a Leaf user */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/usermanagement/api/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a Leaf user */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /** Delete a Leaf user */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 7807 problem, JHipster flavour */
        Problem: {
            detail?: string;
            entityName?: string;
            errorKey?: string;
            fieldErrors?: {
                field: string;
                message: string;
                objectName: string;
            }[];
            message: string;
            params?: string;
            path: string;
            status: number;
            title: string;
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    authenticate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    rememberMe?: boolean | "true" | "false";
                    username: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id_token: string;
                    };
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Bad credentials, or the owner is disabled */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed logins from this address or for this username; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many logins waiting; see Retry-After */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOwners: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description may manage the other owners */
                        admin: boolean;
                        /** Format: date-time */
                        createdTime: string;
                        /** @description may not log in; its tokens are refused; its data stays */
                        disabled: boolean;
                        /** Format: uuid */
                        id: string;
                        username: string;
                    }[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createOwner: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A new API owner; not an administrator unless `admin` */
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    admin?: boolean;
                    password: string;
                    /** @description no leading or trailing spaces */
                    username: string;
                };
            };
        };
        responses: {
            /** @description An API owner: the account that authenticates and owns Leaf users, uploads, files and webhooks */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description may manage the other owners */
                        admin: boolean;
                        /** Format: date-time */
                        createdTime: string;
                        /** @description may not log in; its tokens are refused; its data stays */
                        disabled: boolean;
                        /** Format: uuid */
                        id: string;
                        username: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOwner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An API owner: the account that authenticates and owns Leaf users, uploads, files and webhooks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description may manage the other owners */
                        admin: boolean;
                        /** Format: date-time */
                        createdTime: string;
                        /** @description may not log in; its tokens are refused; its data stays */
                        disabled: boolean;
                        /** Format: uuid */
                        id: string;
                        username: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteOwner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateOwner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description Disabling revokes the owner’s tokens. The last enabled administrator cannot be disabled or demoted */
        requestBody: {
            content: {
                "application/json": {
                    admin?: boolean;
                    disabled?: boolean;
                };
            };
        };
        responses: {
            /** @description An API owner: the account that authenticates and owns Leaf users, uploads, files and webhooks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description may manage the other owners */
                        admin: boolean;
                        /** Format: date-time */
                        createdTime: string;
                        /** @description may not log in; its tokens are refused; its data stays */
                        disabled: boolean;
                        /** Format: uuid */
                        id: string;
                        username: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    changeOwnerPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description Every token of the owner issued before the change stops working */
        requestBody: {
            content: {
                "application/json": {
                    /** @description required when an owner changes its own password */
                    currentPassword?: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description changed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many wrong current passwords; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCurrentOwner: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An API owner: the account that authenticates and owns Leaf users, uploads, files and webhooks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description may manage the other owners */
                        admin: boolean;
                        /** Format: date-time */
                        createdTime: string;
                        /** @description may not log in; its tokens are refused; its data stays */
                        disabled: boolean;
                        /** Format: uuid */
                        id: string;
                        username: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: only an administrator may do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: ("uploadedFileProcessingFinished" | "uploadedFileProcessingFailed" | "batchUploadProcessingFinished" | "mergedFileProcessingFinished" | "mergedFileProcessingFailed")[];
                        /** Format: uuid */
                        id: string;
                        name: string;
                        /** @description key of the HMAC-SHA256 signature in X-Leaf-Signature */
                        secret: string;
                        /** Format: uri */
                        url: string;
                    }[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    events: ("uploadedFileProcessingFinished" | "uploadedFileProcessingFailed" | "batchUploadProcessingFinished" | "mergedFileProcessingFinished" | "mergedFileProcessingFailed")[];
                    name: string;
                    /** @description key of the HMAC-SHA256 signature in X-Leaf-Signature */
                    secret: string;
                    /** Format: uri */
                    url: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: ("uploadedFileProcessingFinished" | "uploadedFileProcessingFailed" | "batchUploadProcessingFinished" | "mergedFileProcessingFinished" | "mergedFileProcessingFailed")[];
                        /** Format: uuid */
                        id: string;
                        name: string;
                        /** @description key of the HMAC-SHA256 signature in X-Leaf-Signature */
                        secret: string;
                        /** Format: uri */
                        url: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: ("uploadedFileProcessingFinished" | "uploadedFileProcessingFailed" | "batchUploadProcessingFinished" | "mergedFileProcessingFinished" | "mergedFileProcessingFailed")[];
                        /** Format: uuid */
                        id: string;
                        name: string;
                        /** @description key of the HMAC-SHA256 signature in X-Leaf-Signature */
                        secret: string;
                        /** Format: uri */
                        url: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFailedCalls: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            apiOwner: string;
                            connectionError?: string;
                            /** Format: date-time */
                            createdAt: string;
                            requestBody: string;
                            response: string | null;
                            /** @description HTTP status of the answer; null when none came */
                            status: number | null;
                            url: string;
                        }[];
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatches: {
        parameters: {
            query?: {
                /** @description 0-based page number */
                page?: number;
                /** @description page size; values above 100 are read as 100 */
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Furrow extension: how many parts of the zip could not be read in all (GET /batch/{id} only) */
                        failureCount?: number;
                        /** @description Furrow extension: the first parts of the zip that could not be read, at most 20 (GET /batch/{id} only); all of them at GET /batch/{id}/failures */
                        failures?: {
                            /** @description where in the zip (empty: the upload as a whole) */
                            path: string;
                            reason: string;
                        }[];
                        fileName: string;
                        /** Format: uuid */
                        id: string;
                        /** @description ids of the file entries made from this batch (GET /batch/{id} only) */
                        leafFiles?: string[];
                        /** Format: uuid */
                        leafUserId: string;
                        /** @description Furrow extension: where the conversion stands, updated about once a second while it runs; absent before it starts */
                        progress?: {
                            /** @description uncompressed bytes of the recognised datasets the conversion has worked through */
                            bytesDone: number;
                            /** @description uncompressed bytes of every file of the recognised datasets */
                            bytesTotal: number;
                            /** @description bytesDone / bytesTotal, rounded down; 1 only when the conversion is done */
                            fraction: number;
                            operationsDone: number;
                            /** @description operations this run converts, as far as known: a large upload is converted in slices, each adding its operations when it starts */
                            operationsTotal: number;
                            /**
                             * @description what the operation being converted is doing; `queued` between two slices of a large upload; `done` at the end
                             * @enum {unknown}
                             */
                            stage: "reading" | "coverage" | "filters" | "writing" | "images" | "queued" | "done";
                        };
                        /**
                         * @description `Other` lets Furrow detect the format (it always does)
                         * @enum {unknown}
                         */
                        provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                        /** @description bytes */
                        size: number;
                        /** @enum {unknown} */
                        status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED";
                        /** @description why the batch FAILED */
                        statusDetails?: string;
                        /** Format: date-time */
                        uploadTimestamp: string;
                    }[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadBatch: {
        parameters: {
            query?: {
                leafUserId?: string;
                /** @description `Other` lets Furrow detect the format (it always does) */
                provider?: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description the .zip; after leafUserId and provider when those are sent as fields
                     */
                    file: string;
                    /** Format: uuid */
                    leafUserId?: string;
                    /**
                     * @description `Other` lets Furrow detect the format (it always does)
                     * @enum {unknown}
                     */
                    provider?: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Furrow extension: how many parts of the zip could not be read in all (GET /batch/{id} only) */
                        failureCount?: number;
                        /** @description Furrow extension: the first parts of the zip that could not be read, at most 20 (GET /batch/{id} only); all of them at GET /batch/{id}/failures */
                        failures?: {
                            /** @description where in the zip (empty: the upload as a whole) */
                            path: string;
                            reason: string;
                        }[];
                        fileName: string;
                        /** Format: uuid */
                        id: string;
                        /** @description ids of the file entries made from this batch (GET /batch/{id} only) */
                        leafFiles?: string[];
                        /** Format: uuid */
                        leafUserId: string;
                        /** @description Furrow extension: where the conversion stands, updated about once a second while it runs; absent before it starts */
                        progress?: {
                            /** @description uncompressed bytes of the recognised datasets the conversion has worked through */
                            bytesDone: number;
                            /** @description uncompressed bytes of every file of the recognised datasets */
                            bytesTotal: number;
                            /** @description bytesDone / bytesTotal, rounded down; 1 only when the conversion is done */
                            fraction: number;
                            operationsDone: number;
                            /** @description operations this run converts, as far as known: a large upload is converted in slices, each adding its operations when it starts */
                            operationsTotal: number;
                            /**
                             * @description what the operation being converted is doing; `queued` between two slices of a large upload; `done` at the end
                             * @enum {unknown}
                             */
                            stage: "reading" | "coverage" | "filters" | "writing" | "images" | "queued" | "done";
                        };
                        /**
                         * @description `Other` lets Furrow detect the format (it always does)
                         * @enum {unknown}
                         */
                        provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                        /** @description bytes */
                        size: number;
                        /** @enum {unknown} */
                        status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED";
                        /** @description why the batch FAILED */
                        statusDetails?: string;
                        /** Format: date-time */
                        uploadTimestamp: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests: the account sent too many uploads this minute, or has too many not yet processed (see Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Furrow extension: how many parts of the zip could not be read in all (GET /batch/{id} only) */
                        failureCount?: number;
                        /** @description Furrow extension: the first parts of the zip that could not be read, at most 20 (GET /batch/{id} only); all of them at GET /batch/{id}/failures */
                        failures?: {
                            /** @description where in the zip (empty: the upload as a whole) */
                            path: string;
                            reason: string;
                        }[];
                        fileName: string;
                        /** Format: uuid */
                        id: string;
                        /** @description ids of the file entries made from this batch (GET /batch/{id} only) */
                        leafFiles?: string[];
                        /** Format: uuid */
                        leafUserId: string;
                        /** @description Furrow extension: where the conversion stands, updated about once a second while it runs; absent before it starts */
                        progress?: {
                            /** @description uncompressed bytes of the recognised datasets the conversion has worked through */
                            bytesDone: number;
                            /** @description uncompressed bytes of every file of the recognised datasets */
                            bytesTotal: number;
                            /** @description bytesDone / bytesTotal, rounded down; 1 only when the conversion is done */
                            fraction: number;
                            operationsDone: number;
                            /** @description operations this run converts, as far as known: a large upload is converted in slices, each adding its operations when it starts */
                            operationsTotal: number;
                            /**
                             * @description what the operation being converted is doing; `queued` between two slices of a large upload; `done` at the end
                             * @enum {unknown}
                             */
                            stage: "reading" | "coverage" | "filters" | "writing" | "images" | "queued" | "done";
                        };
                        /**
                         * @description `Other` lets Furrow detect the format (it always does)
                         * @enum {unknown}
                         */
                        provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                        /** @description bytes */
                        size: number;
                        /** @enum {unknown} */
                        status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED";
                        /** @description why the batch FAILED */
                        statusDetails?: string;
                        /** Format: date-time */
                        uploadTimestamp: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatchFailures: {
        parameters: {
            query?: {
                /** @description 0-based page number */
                page?: number;
                /** @description page size; values above 100 are read as 100 */
                size?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description where in the zip (empty: the upload as a whole) */
                        path: string;
                        reason: string;
                    }[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Furrow extension: how many parts of the zip could not be read in all (GET /batch/{id} only) */
                        failureCount?: number;
                        /** @description Furrow extension: the first parts of the zip that could not be read, at most 20 (GET /batch/{id} only); all of them at GET /batch/{id}/failures */
                        failures?: {
                            /** @description where in the zip (empty: the upload as a whole) */
                            path: string;
                            reason: string;
                        }[];
                        fileName: string;
                        /** Format: uuid */
                        id: string;
                        /** @description ids of the file entries made from this batch (GET /batch/{id} only) */
                        leafFiles?: string[];
                        /** Format: uuid */
                        leafUserId: string;
                        /** @description Furrow extension: where the conversion stands, updated about once a second while it runs; absent before it starts */
                        progress?: {
                            /** @description uncompressed bytes of the recognised datasets the conversion has worked through */
                            bytesDone: number;
                            /** @description uncompressed bytes of every file of the recognised datasets */
                            bytesTotal: number;
                            /** @description bytesDone / bytesTotal, rounded down; 1 only when the conversion is done */
                            fraction: number;
                            operationsDone: number;
                            /** @description operations this run converts, as far as known: a large upload is converted in slices, each adding its operations when it starts */
                            operationsTotal: number;
                            /**
                             * @description what the operation being converted is doing; `queued` between two slices of a large upload; `done` at the end
                             * @enum {unknown}
                             */
                            stage: "reading" | "coverage" | "filters" | "writing" | "images" | "queued" | "done";
                        };
                        /**
                         * @description `Other` lets Furrow detect the format (it always does)
                         * @enum {unknown}
                         */
                        provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                        /** @description bytes */
                        size: number;
                        /** @enum {unknown} */
                        status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED";
                        /** @description why the batch FAILED */
                        statusDetails?: string;
                        /** Format: date-time */
                        uploadTimestamp: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBatchStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        converted: {
                            leafFiles: string[];
                        };
                        /** @description by the step that failed */
                        failed: {
                            [key: string]: {
                                leafFiles: string[];
                                message: string;
                                /** @enum {string} */
                                status: "failed";
                            };
                        };
                        processing: {
                            leafFiles: string[];
                        };
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFiles: {
        parameters: {
            query?: {
                batchId?: string;
                /** @description created at or after */
                createdTime?: string;
                /** @description operation ended at or before */
                endTime?: string;
                leafUserId?: string;
                /** @description summary totalArea at least this many m² */
                minArea?: number;
                operationType?: "planted" | "applied" | "harvested" | "tillage";
                /** @description John Deere organizations only: no Furrow file has one */
                organizationId?: string;
                origin?: "provider" | "automerged" | "merged" | "uploaded";
                /** @description 0-based page number */
                page?: number;
                provider?: string;
                /** @description page size; values above 100 are read as 100 */
                size?: number;
                /** @description field[,asc|desc], repeatable, first wins; fields: id, fileName, createdTime, updatedTime, origin, leafUserId, sizeInBytes, provider, organizationId, fileFormat */
                sort?: string[];
                /** @description operation started at or after */
                startTime?: string;
                status?: "processed" | "processing" | "failed";
                /** @description updated at or after */
                updatedTime?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of file entries */
            200: {
                headers: {
                    /** @description RFC 5988 links rel="next", "prev", "last", "first" */
                    Link?: string;
                    /** @description entries matching the filters, all pages */
                    "X-Total-Count"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        operations: {
                            apiOwnerUsername: string;
                            /** Format: uuid */
                            batchId?: string;
                            /** Format: date-time */
                            createdTime: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadFilteredGeojson?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadFilteredGeoparquet?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadNormalizedGeojson?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadOriginalFile?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadRawGeojson?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadStandardGeojson?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadStandardGeoparquet?: string;
                            /**
                             * Format: uri
                             * @description download route: needs the bearer token
                             */
                            downloadZippedPNGs?: string;
                            /** @description Leaf field ids the file intersects. Furrow has no field boundaries yet: always empty */
                            fields: string[];
                            fileFormat: string;
                            fileName: string;
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            filteredGeojson?: string;
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            filteredGeoparquet?: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            leafUserId: string;
                            /** @description Furrow extension: the machine brand the file names (ISOXML TaskControllerManufacturer) when it is not a Leaf provider value */
                            machineBrand?: string;
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            normalizedGeojson?: string;
                            operationType: string;
                            /** @enum {unknown} */
                            origin: "provider" | "automerged" | "merged" | "uploaded";
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            originalFile?: string;
                            /**
                             * @description Leaf provider value: the upload’s `provider`, or for `Other` the provider whose format the file is (else the machine brand’s, else `Other`); `Leaf` for merged files
                             * @enum {unknown}
                             */
                            provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            rawGeojson?: string;
                            sizeInBytes: number;
                            sources: string[];
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            standardGeojson?: string;
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            standardGeoparquet?: string;
                            /** @enum {unknown} */
                            status: "processed" | "processing" | "failed";
                            statusDetails?: string;
                            /** @description null while processing or when the conversion failed */
                            summary: {
                                [key: string]: unknown;
                            } | (never | null);
                            /** Format: date-time */
                            updatedTime: string;
                            /** @description Furrow extension: what the conversion had to assume or leave out */
                            warnings: string[];
                            /**
                             * Format: uri
                             * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                             */
                            zippedPNGs?: string;
                        }[];
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        apiOwnerUsername: string;
                        /** Format: uuid */
                        batchId?: string;
                        /** Format: date-time */
                        createdTime: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadFilteredGeojson?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadFilteredGeoparquet?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadNormalizedGeojson?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadOriginalFile?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadRawGeojson?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadStandardGeojson?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadStandardGeoparquet?: string;
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadZippedPNGs?: string;
                        /** @description Leaf field ids the file intersects. Furrow has no field boundaries yet: always empty */
                        fields: string[];
                        fileFormat: string;
                        fileName: string;
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        filteredGeojson?: string;
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        filteredGeoparquet?: string;
                        /** Format: uuid */
                        id: string;
                        /** Format: uuid */
                        leafUserId: string;
                        /** @description Furrow extension: the machine brand the file names (ISOXML TaskControllerManufacturer) when it is not a Leaf provider value */
                        machineBrand?: string;
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        normalizedGeojson?: string;
                        operationType: string;
                        /** @enum {unknown} */
                        origin: "provider" | "automerged" | "merged" | "uploaded";
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        originalFile?: string;
                        /**
                         * @description Leaf provider value: the upload’s `provider`, or for `Other` the provider whose format the file is (else the machine brand’s, else `Other`); `Leaf` for merged files
                         * @enum {unknown}
                         */
                        provider: "Other" | "Leaf" | "ClimateFieldView" | "CNHI" | "JohnDeere" | "Trimble" | "AgLeader" | "Farmobile" | "PrecisionPlanting";
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        rawGeojson?: string;
                        sizeInBytes: number;
                        sources: string[];
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        standardGeojson?: string;
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        standardGeoparquet?: string;
                        /** @enum {unknown} */
                        status: "processed" | "processing" | "failed";
                        statusDetails?: string;
                        /** @description null while processing or when the conversion failed */
                        summary: {
                            [key: string]: unknown;
                        } | (never | null);
                        /** Format: date-time */
                        updatedTime: string;
                        /** @description Furrow extension: what the conversion had to assume or leave out */
                        warnings: string[];
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        zippedPNGs?: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    downloadFileOutput: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                what: "originalFile" | "rawGeojson" | "normalizedGeojson" | "standardGeojson" | "filteredGeojson" | "standardGeoparquet" | "filteredGeoparquet" | "zippedPNGs" | "summary" | "annotatedGeojson" | "coverageGeojson" | "coverageFlatGeobuf";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": string;
                    "application/zip": string;
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": string;
                };
            };
            /** @description Found: with FURROW_S3_PRESIGN_SECONDS set, the bytes are at a short-lived pre-signed S3 URL (Range honoured there) */
            302: {
                headers: {
                    /** @description pre-signed S3 GET URL */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range Not Satisfiable: the range starts past the end */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFileImages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": ({
                        /**
                         * Format: uri
                         * @description signed link to the GDAL PAM sidecar (SRS + GeoTransform) of the PNG: `url` + `.aux.xml`
                         */
                        auxUrl?: string;
                        /** @description [west, south, east, north] in WGS84 degrees */
                        bounds?: number[];
                        /**
                         * Format: uri
                         * @description download route: needs the bearer token
                         */
                        downloadUrl: string;
                        legend?: unknown;
                        projection?: string;
                        property: string;
                        ramp: unknown;
                        /**
                         * Format: uri
                         * @description signed link: opens without a bearer token until it expires (FURROW_LINK_SECONDS), then answers 403
                         */
                        url: string;
                    } & {
                        [key: string]: unknown;
                    })[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFileImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the image */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": string;
                    "image/png": string;
                };
            };
            /** @description Found: with FURROW_S3_PRESIGN_SECONDS set, the bytes are at a short-lived pre-signed S3 URL (Range honoured there) */
            302: {
                headers: {
                    /** @description pre-signed S3 GET URL */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFileMapPoints: {
        parameters: {
            query?: {
                layer?: "filtered" | "standard";
                limit?: number;
                /** @description standard property to carry, e.g. wetMassPerArea */
                property?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description GeoJSON FeatureCollection */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": string;
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openSignedFileOutput: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unix time (seconds) the link expires at */
                expires: string;
                id: string;
                /** @description base64url HMAC-SHA256 of the file’s path prefix and the expiry */
                signature: string;
                what: "originalFile" | "rawGeojson" | "normalizedGeojson" | "standardGeojson" | "filteredGeojson" | "standardGeoparquet" | "filteredGeoparquet" | "zippedPNGs" | "summary" | "annotatedGeojson" | "coverageGeojson" | "coverageFlatGeobuf";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": string;
                    "application/zip": string;
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": string;
                };
            };
            /** @description Found: with FURROW_S3_PRESIGN_SECONDS set, the bytes are at a short-lived pre-signed S3 URL (Range honoured there) */
            302: {
                headers: {
                    /** @description pre-signed S3 GET URL */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Forbidden: the link was altered or has expired; read the file entry again for a fresh one */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: the file (or this output of it) no longer exists */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range Not Satisfiable: the range starts past the end */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openSignedFileImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unix time (seconds) the link expires at */
                expires: string;
                id: string;
                name: string;
                /** @description base64url HMAC-SHA256 of the file’s path prefix and the expiry */
                signature: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the image */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": string;
                    "image/png": string;
                };
            };
            /** @description Forbidden: the link was altered or has expired; read the file entry again for a fresh one */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: the file (or this output of it) no longer exists */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFileStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description step → status; steps: originalFile, rawGeojson, normalizedGeojson, standardGeojson, cleanupGeojson, areaAndYield, summary, units, propertiesPNGs, zippedPNGs, filteredGeojson */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: {
                            message: string;
                            /** @enum {unknown} */
                            status: "processed" | "failed" | "skipped";
                        };
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFileSummary: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description GeoJSON Feature */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFileUnits: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: string;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    mergeFiles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description at least two processed files of one Leaf user and operation type */
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        status: "SENT_TO_MERGE";
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                email?: string;
                externalId?: string;
                name?: string;
                /** @description 0-based page number */
                page?: number;
                /** @description page size; values above 100 are read as 100 */
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address?: string | null;
                        agLeaderCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        climateFieldViewCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        cnhiCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        email?: string | null;
                        externalId?: string | null;
                        /** Format: uuid */
                        id: string;
                        johnDeereCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        lindsayCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        name?: string | null;
                        phone?: string | null;
                        ravenCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        ravenSlingshotCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        staraCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        trimbleCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        valleyCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                    }[];
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Full replacement: omitted fields and credentials are cleared */
        requestBody: {
            content: {
                "application/json": {
                    address?: string | null;
                    agLeaderCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    climateFieldViewCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    cnhiCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    email?: string | null;
                    externalId?: string | null;
                    /** Format: uuid */
                    id: string;
                    johnDeereCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    lindsayCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    name?: string | null;
                    phone?: string | null;
                    ravenCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    ravenSlingshotCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    staraCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    trimbleCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    valleyCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address?: string | null;
                        agLeaderCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        climateFieldViewCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        cnhiCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        email?: string | null;
                        externalId?: string | null;
                        /** Format: uuid */
                        id: string;
                        johnDeereCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        lindsayCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        name?: string | null;
                        phone?: string | null;
                        ravenCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        ravenSlingshotCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        staraCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        trimbleCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        valleyCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A Leaf user (grower); `id` is assigned by the server */
        requestBody: {
            content: {
                "application/json": {
                    address?: string | null;
                    agLeaderCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    climateFieldViewCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    cnhiCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    email?: string | null;
                    externalId?: string | null;
                    johnDeereCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    lindsayCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    name?: string | null;
                    phone?: string | null;
                    ravenCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    ravenSlingshotCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    staraCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    trimbleCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    valleyCredentials?: ({
                        id?: string;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address?: string | null;
                        agLeaderCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        climateFieldViewCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        cnhiCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        email?: string | null;
                        externalId?: string | null;
                        /** Format: uuid */
                        id: string;
                        johnDeereCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        lindsayCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        name?: string | null;
                        phone?: string | null;
                        ravenCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        ravenSlingshotCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        staraCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        trimbleCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        valleyCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address?: string | null;
                        agLeaderCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        climateFieldViewCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        cnhiCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        email?: string | null;
                        externalId?: string | null;
                        /** Format: uuid */
                        id: string;
                        johnDeereCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        lindsayCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        name?: string | null;
                        phone?: string | null;
                        ravenCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        ravenSlingshotCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        staraCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        trimbleCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        valleyCredentials?: ({
                            id?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                    };
                };
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request: invalid parameters or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: missing, invalid or expired bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found (also for another API owner’s resources) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
