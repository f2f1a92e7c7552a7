import type { ResolvedConfig } from '../config.ts';
import type { BlobStore, JobKind, MetadataStore, Webhook } from '../store/types.ts';

export type Enqueue = (kind: JobKind, payload: Record<string, unknown>) => Promise<unknown>;

/** What the route plugins work with; given to each as its plugin options. */
export interface ApiDeps {
  store: MetadataStore;
  blobs: BlobStore;
  config: ResolvedConfig;
  enqueue: Enqueue;
  /** Sends Leaf's confirmation call to a newly registered webhook. */
  confirmWebhook: (webhook: Webhook) => Promise<unknown>;
}
