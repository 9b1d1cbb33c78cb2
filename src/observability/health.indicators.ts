/** One dependency the service needs to be useful (the database, later the LDAP server). */
export interface HealthIndicator {
  /** key in the health report, e.g. 'database' */
  readonly name: string;
  /** Resolves when the dependency answers; rejects (any error) when it does not. */
  check(): Promise<void>;
}

/**
 * Port listing the health indicators. The application binds it, e.g.
 * `{ provide: HealthIndicators, useFactory: (db: DatabaseHealth) => ({ indicators: [db] }), inject: [DatabaseHealth] }`
 * through HealthModule.forRoot({ imports, providers }). Without a binding /health reports the
 * process alone.
 */
export abstract class HealthIndicators {
  abstract readonly indicators: readonly HealthIndicator[];
  /** per-check limit in ms; a slower check counts as DOWN (default HEALTH_CHECK_TIMEOUT_MS) */
  abstract readonly timeoutMs?: number;
}

/** A hung database must not hang the probe: 2 s, below the usual 5 s probe timeouts. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
