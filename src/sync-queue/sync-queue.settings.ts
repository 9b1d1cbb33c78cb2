import { hostname } from 'node:os';
import { DomainError } from '../core/errors/domain-error';

/** Durable delivery and live-sync polling settings, read once at start-up from the environment. */
export interface SyncQueueSettings {
  /** Failed deliveries before a change goes to the dead-letter list (`CONCORD_SYNC_MAX_ATTEMPTS`, 10). */
  readonly maxAttempts: number;
  /** Deliver within the managed request, after commit (`CONCORD_SYNC_INLINE`, true). */
  readonly inline: boolean;
  /** Run the background worker on this node (`CONCORD_SYNC_WORKER`, true). */
  readonly worker: boolean;
  /** How often the worker looks for due changes, ms (`CONCORD_SYNC_WORKER_INTERVAL_MS`, 1000). */
  readonly workerIntervalMs: number;
  /** Changes leased per worker pass (`CONCORD_SYNC_BATCH`, 50). */
  readonly batchSize: number;
  /** How long a lease holds a row; a node that dies mid-delivery releases it this late, ms (30 s). */
  readonly leaseMs: number;
  /** Back-off after the first failure and its cap, ms (1 s → 5 min). */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** While deliveries fail, one waiting change is tried this often regardless of its back-off, ms (5 s). */
  readonly probeIntervalMs: number;
}

export interface LiveSyncSettings {
  /** Sources polled continuously on this node (`CONCORD_LIVESYNC_SOURCES=system/ldap/account,…`). */
  readonly sources: readonly string[];
  /** Pause between two polls of a source, ms (`CONCORD_LIVESYNC_INTERVAL_MS`, 1000). */
  readonly intervalMs: number;
}

export function resolveSyncQueueSettings(env: NodeJS.ProcessEnv): SyncQueueSettings {
  return {
    maxAttempts: positiveInt(env, 'CONCORD_SYNC_MAX_ATTEMPTS', 10),
    inline: flag(env, 'CONCORD_SYNC_INLINE', true),
    worker: flag(env, 'CONCORD_SYNC_WORKER', true),
    workerIntervalMs: positiveInt(env, 'CONCORD_SYNC_WORKER_INTERVAL_MS', 1000),
    batchSize: positiveInt(env, 'CONCORD_SYNC_BATCH', 50),
    leaseMs: positiveInt(env, 'CONCORD_SYNC_LEASE_MS', 30_000),
    backoff: {
      baseMs: positiveInt(env, 'CONCORD_SYNC_BACKOFF_BASE_MS', 1000),
      maxMs: positiveInt(env, 'CONCORD_SYNC_BACKOFF_MAX_MS', 300_000),
    },
    probeIntervalMs: positiveInt(env, 'CONCORD_SYNC_PROBE_INTERVAL_MS', 5000),
  };
}

export function resolveLiveSyncSettings(env: NodeJS.ProcessEnv): LiveSyncSettings {
  const sources = (env.CONCORD_LIVESYNC_SOURCES ?? '')
    .split(',')
    .map((source) => source.trim().replace(/^\/+|\/+$/g, ''))
    .filter((source) => source !== '');
  for (const source of sources) {
    if (!/^system\/[^/]+\/[^/]+$/.test(source)) {
      throw new DomainError(
        'CONFIG_INVALID',
        `CONCORD_LIVESYNC_SOURCES: expected system/<name>/<objectType>, got "${source}"`,
      );
    }
  }
  return { sources, intervalMs: positiveInt(env, 'CONCORD_LIVESYNC_INTERVAL_MS', 1000) };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new DomainError('CONFIG_INVALID', `${name}: expected a positive integer, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'on', 'yes'].includes(raw)) return true;
  if (['false', '0', 'off', 'no'].includes(raw)) return false;
  throw new DomainError('CONFIG_INVALID', `${name}: expected true or false, got "${raw}"`);
}

/** The settings as one injectable value (`{ provide: SyncDeliveryConfig, useValue: … }`). */
export class SyncDeliveryConfig {
  constructor(
    readonly queue: SyncQueueSettings,
    readonly liveSync: LiveSyncSettings,
    /** This node's cluster id (nodeIdOf): queue leases carry it, so a restart can take back its own. */
    readonly nodeId: string = hostname(),
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv, nodeId?: string): SyncDeliveryConfig {
    return new SyncDeliveryConfig(resolveSyncQueueSettings(env), resolveLiveSyncSettings(env), nodeId);
  }
}
