import type { Pool } from 'pg';
import { CopyOutQuery } from './pg-copy-query';

/**
 * `COPY (<select>) TO STDOUT` on a pooled client, its output as a stream of chunks. COPY takes no bind
 * parameters, so each `$n` of `select` reads `current_setting('concord.copy_<n>')`, set by a parameterized
 * `set_config` in the same transaction: values never reach the SQL text. Every parameter is text.
 *
 * The transaction makes the read one snapshot. A caller that stops reading early leaves the connection in the
 * middle of a COPY: it is dropped from the pool rather than handed to the next statement.
 */
export async function* pgCopyOut(
  pool: Pool,
  select: string,
  params: readonly string[],
): AsyncIterable<Buffer> {
  const client = await pool.connect();
  let finished = false;
  try {
    await client.query('BEGIN');
    if (params.length > 0) {
      const settings = params.map((_, i) => `set_config('concord.copy_${i + 1}', $${i + 1}, true)`);
      await client.query(`SELECT ${settings.join(', ')}`, [...params]);
    }
    const sql = select.replace(/\$(\d+)/g, (_, n: string) => `current_setting('concord.copy_${n}')`);
    yield* client.query(new CopyOutQuery(`COPY (${sql}) TO STDOUT`)).chunks();
    await client.query('COMMIT');
    finished = true;
  } finally {
    client.release(finished ? undefined : new Error('COPY not read to its end'));
  }
}
