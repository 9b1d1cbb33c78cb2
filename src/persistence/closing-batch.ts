import { isCarrier, renumbered, type DeferredWrite } from './deferred-writes';
import { ComposedTexts } from './composed-texts';
import type { SqlExecutor } from './sql-database';

/**
 * One delivery's closing statement: the writes nobody reads back that wait for it (`carried`: audit lines)
 * and the write it exists for (`main`: the removal of the delivered queue row), whose RETURNING rows are
 * counted. Every one of them an INSERT, UPDATE or DELETE (isCarrier), `main` with a RETURNING clause.
 */
export interface ClosingStatement {
  readonly carried: readonly DeferredWrite[];
  readonly main: DeferredWrite;
}

export interface ClosingBatchLimits {
  /** How long the first statement of a batch waits for others. */
  readonly lingerMs: number;
  /** A batch this large goes at once. */
  readonly maxStatements: number;
}

interface Held {
  readonly statement: ClosingStatement;
  readonly resolve: (returned: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The closing statements of the deliveries made within requests, sent after each request's reply, go
 * together: each one alone is a round trip and a transaction of PostgreSQL's, a third of the statements of
 * an implicit-sync PUT, and its socket write costs the request thread as much as what it computes. Nobody
 * waits for them but a later read of the queue or the audit, or the next write of the same object
 * (TrailingWrites), and those make the batch go at once (`flush`); otherwise the first statement of a batch
 * waits up to `lingerMs` for others, so PUTs a few milliseconds apart share one statement.
 */
export class ClosingBatch {
  private held: Held[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: SqlExecutor,
    private readonly limits: ClosingBatchLimits,
  ) {}

  /** Resolves with how many rows `main` returned, once the batch that holds it has run. */
  submit(statement: ClosingStatement): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.held.push({ statement, resolve, reject });
      if (this.held.length >= this.limits.maxStatements) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.limits.lingerMs);
    });
  }

  /**
   * Someone waits: sends what is held now, and again once the promise callbacks under way have run (a write
   * tracked just before may not have reached `submit` yet).
   */
  hurry(): void {
    this.flush();
    setImmediate(() => this.flush());
  }

  /** Sends what is held now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.held;
    this.held = [];
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: readonly Held[]): Promise<void> {
    try {
      const counts = await this.run(batch.map((held) => held.statement));
      batch.forEach((held, index) => held.resolve(counts[index] ?? 0));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One statement that fails must not take the others with it: each goes again on its own.
      for (const held of batch) {
        await this.run([held.statement]).then((counts) => held.resolve(counts[0] ?? 0), held.reject);
      }
    }
  }

  private async run(statements: readonly ClosingStatement[]): Promise<number[]> {
    const { sql, params } = closingBatchStatement(statements);
    const rows = await this.target.query<{ part: number; returned: number }>(sql, params);
    const counts = statements.map(() => 0);
    for (const row of rows) counts[Number(row.part)] = Number(row.returned);
    return counts;
  }
}

/**
 * The statements as one: each one's carried writes and main write as data-modifying WITH queries (which
 * PostgreSQL runs all, whether read or not), then, per statement, how many rows its main write returned.
 */
export function closingBatchStatement(statements: readonly ClosingStatement[]): DeferredWrite {
  if (statements.length === 0) throw new Error('closingBatchStatement needs at least one statement');
  const shape: string[] = [];
  const params: unknown[] = [];
  for (const { carried, main } of statements) {
    for (const write of carried) {
      shape.push(write.sql);
      params.push(...write.params);
    }
    shape.push(main.sql, PART_END);
    params.push(...main.params);
  }
  const sql =
    statements.length <= REMEMBERED_PARTS
      ? composedTexts.text(shape, () => batchText(statements))
      : batchText(statements);
  return { sql, params };
}

/** Ends a statement's texts in the shape of a batch (no SQL text is empty). */
const PART_END = '';
/**
 * Small batches come back in the same few shapes and are remembered; larger ones seldom repeat, and texts kept
 * only to be forgotten would outlive the young generation for nothing.
 */
const REMEMBERED_PARTS = 4;
const composedTexts = new ComposedTexts(64);

function batchText(statements: readonly ClosingStatement[]): string {
  let offset = 0;
  const queries: string[] = [];
  const counts: string[] = [];
  statements.forEach(({ carried, main }, part) => {
    for (const write of [...carried, main]) {
      if (!isCarrier(write.sql)) throw new Error(`Not a write that can go in a WITH query: ${write.sql}`);
    }
    carried.forEach((write, index) => {
      queries.push(`concord_closing_${part}_${index} AS (${renumbered(write.sql, offset)})`);
      offset += write.params.length;
    });
    queries.push(`concord_closing_${part} AS (${renumbered(main.sql, offset)})`);
    offset += main.params.length;
    counts.push(`SELECT ${part} AS part, count(*)::int AS returned FROM concord_closing_${part}`);
  });
  return `WITH ${queries.join(',\n')}\n${counts.join('\nUNION ALL ')}`;
}
