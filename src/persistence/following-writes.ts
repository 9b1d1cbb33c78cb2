import { renumbered } from './deferred-writes';
import { ComposedTexts } from './composed-texts';
import type { SqlExecutor } from './sql-database';

/** A write that can lead: INSERT, UPDATE or DELETE with a RETURNING clause (its rows become `concord_written`). */
const LEADER = /^\s*(insert|update|delete)\b[\s\S]*\breturning\b/i;

const composedTexts = new ComposedTexts();

/** The write, its follower and the companion read (if any) as one statement; each part's parameters follow the last's. */
function leaderWithFollower(
  sql: string,
  leaderParams: number,
  followerSql: string,
  followerParams: number,
  companionSql: string | undefined,
): string {
  const companionColumn =
    companionSql === undefined
      ? ''
      : `, (SELECT coalesce(json_agg(c), '[]'::json) FROM (${renumbered(companionSql, leaderParams + followerParams)}) AS c)` +
        ' AS concord_companion';
  return (
    `WITH concord_written AS (${sql}),\n` +
    `concord_follower AS (${renumbered(followerSql, leaderParams)})\n` +
    'SELECT concord_written.*, (SELECT row_to_json(f) FROM concord_follower f LIMIT 1) AS concord_followed' +
    `${companionColumn}\nFROM concord_written`
  );
}

/** A read sent in the leading write's statement (`alongside`). */
export interface CompanionRead {
  readonly sql: string;
  readonly params: readonly unknown[];
}

interface Follower {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly resolve: (row: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Outside a transaction, makes a write and a second one that must commit with it (a managed write and its
 * change-queue row) one statement: one round trip where BEGIN, the two writes and COMMIT took four.
 *
 * `follow` registers the second write; the next INSERT, UPDATE or DELETE … RETURNING sent through this
 * executor becomes the data-modifying `WITH` query `concord_written`, and the follower runs after it in the
 * same statement, reading the written rows from `concord_written` (so it writes nothing when the first wrote
 * nothing, a stale revision say). A statement commits or fails as a whole, as the transaction did.
 *
 * Writes passed to `defer` (audit lines nobody reads back) wait for `drain`, which the caller runs after, or
 * for `handOver` to another executor that sends them with its own statement.
 */
export class FollowingExecutor implements SqlExecutor {
  private follower: Follower | undefined;
  private companion: CompanionRead | undefined;
  private companionRows: readonly unknown[] | null = null;
  private deferred: { readonly sql: string; readonly params: readonly unknown[] }[] = [];

  constructor(private readonly target: SqlExecutor) {}

  /**
   * Resolves with the follower's first RETURNING row (as JSON: numbers and booleans as such, jsonb as
   * objects), or null when it returned none; rejects when the statement failed.
   */
  follow<Row>(sql: string, params: readonly unknown[] = []): Promise<Row | null> {
    if (this.follower) throw new Error('FollowingExecutor: one follower at a time');
    return new Promise<Row | null>((resolve, reject) => {
      this.follower = { sql, params, resolve: (row) => resolve(row as Row | null), reject };
    });
  }

  /**
   * Registers a read to be made in the statement of the write that leads the follower, so that a caller who
   * reads right after the write (implicit sync's link lookup) needs no round trip of its own. The read sees
   * what every part of one statement sees: the database as the statement began, so not this write itself.
   * Its rows are `companionRows` once that statement returned a written row.
   */
  alongside(read: CompanionRead): void {
    this.companion = read;
  }

  /** The companion read's rows (as JSON), or null when no write led it or the write wrote nothing. */
  get companionResult(): readonly unknown[] | null {
    return this.companionRows;
  }

  /** True while the registered follower waits for a write to lead it. */
  get waiting(): boolean {
    return this.follower !== undefined;
  }

  /** True while writes passed to `defer` wait for `drain`. */
  get holdsDeferred(): boolean {
    return this.deferred.length > 0;
  }

  defer(sql: string, params: readonly unknown[] = []): void {
    this.deferred.push({ sql, params });
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const follower = this.follower;
    if (!follower || !LEADER.test(sql)) return this.target.query<Row>(sql, params);
    this.follower = undefined;
    const companion = this.companion;
    this.companion = undefined;
    const text = composedTexts.text([sql, follower.sql, companion?.sql ?? ''], () =>
      leaderWithFollower(sql, params.length, follower.sql, follower.params.length, companion?.sql),
    );
    let rows: (Row & { concord_followed?: unknown; concord_companion?: unknown })[];
    try {
      rows = await this.target.query<Row & { concord_followed?: unknown; concord_companion?: unknown }>(
        text,
        [...params, ...follower.params, ...(companion?.params ?? [])],
      );
    } catch (error) {
      follower.reject(error);
      throw error;
    }
    const companionRows = rows[0]?.concord_companion;
    if (Array.isArray(companionRows)) this.companionRows = companionRows;
    follower.resolve(rows[0]?.concord_followed ?? null);
    return rows.map(({ concord_followed: _followed, concord_companion: _companion, ...row }) => row as Row);
  }

  /** Moves the deferred writes to `to`, which sends them with a statement of its own (ClosingWrites). */
  handOver(to: SqlExecutor): void {
    if (!to.defer) throw new Error('FollowingExecutor: handOver needs an executor that defers writes');
    for (const write of this.deferred) to.defer(write.sql, write.params);
    this.deferred = [];
  }

  /** Sends the deferred writes, one statement each (there is rarely more than one). */
  async drain(): Promise<void> {
    const writes = this.deferred;
    this.deferred = [];
    for (const write of writes) await this.target.query(write.sql, write.params);
  }
}
