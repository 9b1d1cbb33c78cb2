import type { AuditEventFilter } from '../core/audit/audit-event-filter';
import type { Mapping } from '../core/sync/sync-config.types';
import type { SqlExecutor } from '../persistence/sql-database';
import type { ScriptRunner } from '../scripting/script-runner';
import type { ObjectSets } from './object-sets';
import type { AuditStore } from './ports/audit.store';
import type { LinkStore } from './ports/link.store';
import type { ReconRunStore, ReconSummary } from './ports/recon-run.store';

export interface ReconRunnerDeps {
  readonly sets: ObjectSets;
  readonly links: LinkStore;
  readonly runs: ReconRunStore;
  readonly audit: AuditStore;
  /** audit.json's filters, which also decide which entries a run (not a dry run) keeps. */
  readonly auditFilter: AuditEventFilter;
  /** A fresh script runner for the run; `readOnly` for a dry run (scripts cannot write). */
  readonly scripts: (readOnly: boolean) => ScriptRunner;
  readonly clock: () => number;
  readonly nodeId: string;
  readonly warn: (message: string) => void;
  /** One database transaction (batched CREATEs: targets and links together). */
  readonly transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
}

export interface ReconRequest {
  readonly reconId: string;
  /** The mapping with the request's overrides applied. */
  readonly mapping: Mapping;
  readonly reconAction: 'recon' | 'reconById';
  readonly sourceIds?: readonly string[];
  readonly runTargetPhase: boolean;
  readonly analyze: boolean;
  readonly confirmDeletes: boolean;
  readonly userId: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** How a run ended beyond its state: why it failed, and whether a safety guard (not an error) stopped it. */
export interface ReconResult {
  readonly summary: ReconSummary;
  readonly failure?: { readonly message: string; readonly guard: boolean };
}
