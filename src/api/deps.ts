import type { ResolvedConfig } from '../config.ts';
import type { BlobStore, MetadataStore, Webhook } from '../store/types.ts';

/** What the route plugins work with; given to each as its plugin options. */
export interface ApiDeps {
  store: MetadataStore;
  blobs: BlobStore;
  config: ResolvedConfig;
  /** Sends Leaf's confirmation call to a newly registered webhook. */
  confirmWebhook: (webhook: Webhook) => Promise<unknown>;
}
