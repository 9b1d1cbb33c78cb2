/**
 * The stages of a reconciliation run and their descriptions, as OpenIDM's `ReconStage` enum reports them in
 * the run summary (§4.3). The state is derived from the stage: anything not `COMPLETED_*` is ACTIVE.
 */
export const RECON_STAGES = {
  ACTIVE_INITIALIZED: 'initialized',
  ACTIVE_QUERY_ENTRIES: 'querying sets of entries to reconcile',
  ACTIVE_RECONCILING_SOURCE: 'reconciling source entries',
  ACTIVE_RECONCILING_TARGET: 'reconciling target entries',
  ACTIVE_LINK_CLEANUP: 'link clean-up',
  ACTIVE_PROCESSING_RESULTS: 'processing reconciling results',
  ACTIVE_CANCELING: 'aborting reconciling',
  COMPLETED_SUCCESS: 'reconciliation completed.',
  COMPLETED_CANCELED: 'reconciliation aborted.',
  COMPLETED_FAILED: 'reconciliation failed',
} as const;

export type ReconStage = keyof typeof RECON_STAGES;

export type ReconState = 'ACTIVE' | 'SUCCESS' | 'FAILED' | 'CANCELED';

export function stateOfStage(stage: ReconStage): ReconState {
  switch (stage) {
    case 'COMPLETED_SUCCESS':
      return 'SUCCESS';
    case 'COMPLETED_FAILED':
      return 'FAILED';
    case 'COMPLETED_CANCELED':
      return 'CANCELED';
    case 'ACTIVE_INITIALIZED':
    case 'ACTIVE_QUERY_ENTRIES':
    case 'ACTIVE_RECONCILING_SOURCE':
    case 'ACTIVE_RECONCILING_TARGET':
    case 'ACTIVE_LINK_CLEANUP':
    case 'ACTIVE_PROCESSING_RESULTS':
    case 'ACTIVE_CANCELING':
      return 'ACTIVE';
  }
}

export function isCompleted(stage: ReconStage): boolean {
  return stateOfStage(stage) !== 'ACTIVE';
}
