import type { QueryRequest } from '../core/crest/query-request';
import type { JsonObject } from '../managed/managed-object';
import type { StoreQueryPage } from '../managed/managed-object.store';

/** OpenIDM's `repo/synchronisation/<collection>`: live-sync tokens and dead letters. */
export type SynchronisationCollection = 'pooledSyncStage' | 'deadLetterQueue';

export const SYNCHRONISATION_COLLECTIONS: readonly SynchronisationCollection[] = [
  'pooledSyncStage',
  'deadLetterQueue',
];

export interface SynchronisationDocument {
  readonly id: string;
  readonly rev: number;
  readonly doc: JsonObject;
}

/** Port: `repo/synchronisation/*` documents (persistence/synchronisation.repository.ts). */
export abstract class SynchronisationStore {
  abstract read(collection: SynchronisationCollection, id: string): Promise<SynchronisationDocument | null>;
  /** Creates or replaces the document; the revision goes up by one. */
  abstract write(
    collection: SynchronisationCollection,
    id: string,
    doc: JsonObject,
  ): Promise<SynchronisationDocument>;
  abstract remove(collection: SynchronisationCollection, id: string): Promise<SynchronisationDocument | null>;
  abstract query(collection: SynchronisationCollection, request: QueryRequest): Promise<StoreQueryPage>;
}
