import type { QueryRequest } from '../../core/crest/query-request';
import type { StoreQueryPage } from '../../managed/managed-object.store';
import type { AuditEvent } from './audit.store';

/** The run summary JSON of §4.3, kept as a document: what `GET /openidm/recon/<id>` returns. */
export type ReconSummary = Record<string, unknown> & {
  _id: string;
  mapping: string;
  state: string;
  stage: string;
};

export interface ReconRunRecord {
  readonly id: string;
  readonly mapping: string;
  readonly nodeId: string;
  readonly summary: ReconSummary;
  readonly cancelRequested: boolean;
  /** Last time the owning node wrote progress (heartbeat), ISO-8601. */
  readonly heartbeatAt: string;
}

/**
 * One per-entry result of a run (real or analysed) as `GET /openidm/recon/<id>/entries` serves it: situation,
 * action, status and, for CREATE/UPDATE, the diff (planned, in a dry run).
 */
export interface ReconEntryRecord {
  readonly reconId: string;
  readonly phase: 'source' | 'target';
  readonly linkQualifier: string;
  readonly situation: string;
  readonly action: string;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly sourceObjectId: string | null;
  readonly targetObjectId: string | null;
  readonly ambiguousTargetObjectIds: readonly string[];
  readonly message: string | null;
  readonly diff: readonly { field: string; before?: unknown; after?: unknown }[] | null;
}

/**
 * A reported entry of a run as written: its `audit/recon` event (§9, `entryType` "entry") — the entry's
 * situation, action, status, object ids and message are the event's — and, stored beside the event and never
 * part of it, what the entry has beyond the event. Both members are always present (one object shape for V8;
 * a batch whose entries all have null or [] sends that value once).
 */
export type ReconEntryEvent = AuditEvent & {
  /** The entry's diff (CREATE/UPDATE), null when it has none. */
  readonly entryDiff: ReconEntryRecord['diff'];
  /** Qualified (`managed/user/<id>`), where the event lists the bare ids in one string; [] when none. */
  readonly entryAmbiguousTargets: readonly string[];
};

/**
 * Entries of one run in agreement — CONFIRMED, UPDATE, nothing written or to say: every entry of a recon that
 * finds nothing changed — kept as columns. Such entries differ only in their event ids, timestamps and object
 * ids, so a large steady-state run builds no event object per entry; the store puts each together.
 */
export interface AgreedEntries {
  /** The first entry's event: its members other than `_id`, `timestamp` and the object ids are every entry's. */
  readonly first: ReconEntryEvent;
  /** Per entry, in the run's order (the first entry's included). */
  readonly ids: readonly string[];
  readonly timestamps: readonly string[];
  /** The bare ids: an entry's `sourceObjectId` is `<sourceSet>/<id>`, its `targetObjectId` `<targetSet>/<id>`. */
  readonly sourceIds: readonly string[];
  readonly targetIds: readonly string[];
  readonly sourceSet: string;
  readonly targetSet: string;
}

/** A mapping's reconciliations as monitoring sees them (ReconRunStore.latestByMapping). */
export interface MappingReconStatus {
  readonly mapping: string;
  /** Runs of the mapping still ACTIVE. */
  readonly active: number;
  /** The state of the latest run that ended (SUCCESS, FAILED, CANCELED), null when none has. */
  readonly lastState: string | null;
  /** How long that run took, in seconds, when its summary says. */
  readonly lastDurationSeconds: number | null;
  /** When the latest successful run ended (Unix time, seconds), null when none has succeeded. */
  readonly lastSuccessAt: number | null;
}

/** Port: recon runs and their entries, persisted so they survive restarts and are visible from every node. */
export abstract class ReconRunStore {
  abstract create(run: ReconRunRecord): Promise<void>;
  /** Writes the latest summary (progress) and heartbeat. */
  abstract saveSummary(id: string, summary: ReconSummary): Promise<void>;
  abstract get(id: string): Promise<ReconRunRecord | null>;
  /** Oldest first, at most `limit` (the most recent ones). */
  abstract list(limit: number): Promise<ReconRunRecord[]>;
  /** For each of `mappings` that has runs: how many are active, and how the latest that ended went. */
  abstract latestByMapping(mappings: readonly string[]): Promise<MappingReconStatus[]>;
  abstract requestCancel(id: string): Promise<boolean>;
  /** Runs still ACTIVE whose node is `nodeId` (at start: they were interrupted by a crash) or stale for `staleMs`. */
  abstract activeRuns(): Promise<ReconRunRecord[]>;
  /** Writes entries as their audit events (`audit/recon`); one of an unknown run: NOT_FOUND, none written. */
  abstract appendEntries(entries: readonly ReconEntryEvent[]): Promise<void>;
  /** `appendEntries` of the entries in agreement `batch` holds, stored as their events would be. */
  abstract appendAgreed(batch: AgreedEntries): Promise<void>;
  /** `_queryFilter` over one run's entries (fields as in ReconEntryRecord); by default in the run's order. */
  abstract queryEntries(reconId: string, request: QueryRequest): Promise<StoreQueryPage>;
}
