import type { DeleteThreshold } from './sync-config.types';

export interface DeleteThresholdVerdict {
  readonly exceeded: boolean;
  /** The number of DELETE and UNLINK actions allowed. */
  readonly limit: number;
  readonly planned: number;
  /** Why the run stops, when it does; names the figures and the way through. */
  readonly message?: string;
}

/**
 * Concord's delete safety (issue 5 item 8): a recon that would DELETE or UNLINK more than `count`
 * objects, or more than `percent` of the target set when that is known, stops before the first delete.
 * The lower of the two limits applies. `confirmDeletes=true` on the request skips the check.
 */
export function checkDeleteThreshold(
  threshold: DeleteThreshold,
  planned: number,
  targetTotal: number | null,
): DeleteThresholdVerdict {
  const byPercent =
    threshold.percent === undefined || targetTotal === null
      ? Number.POSITIVE_INFINITY
      : Math.floor((threshold.percent / 100) * targetTotal);
  const limit = Math.min(threshold.count, byPercent);
  if (planned <= limit) return { exceeded: false, limit, planned };
  const percent =
    byPercent === Number.POSITIVE_INFINITY
      ? ''
      : ` or ${threshold.percent}% of ${targetTotal} target objects`;
  return {
    exceeded: true,
    limit,
    planned,
    message:
      `Reconciliation would delete or unlink ${planned} objects, more than the delete threshold of ${limit} ` +
      `(deleteThreshold: ${threshold.count} objects${percent}); nothing was deleted. ` +
      'Repeat the request with confirmDeletes=true to go ahead.',
  };
}
