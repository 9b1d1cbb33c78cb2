import type { MigrationInterface, QueryRunner } from 'typeorm';

/** audit_event_packs' columns that hold a batch's worth of events or ids, and so are compressed (TOAST). */
const PACKED_COLUMNS = [
  'shared',
  'ids',
  'docs',
  'entry',
  'entries',
  'timestamps',
  'source_ids',
  'target_ids',
];

/**
 * Packs of audit events are compressed with lz4 instead of PostgreSQL's default pglz, where the server has it
 * (PostgreSQL 14 and later built with lz4, as Debian's are; the embedded PGlite is not). A pack of 500 entries is
 * tens of kilobytes of ids and JSON, and pglz spent most of a pack's insert compressing them: 200 packs of four
 * id columns took 161 ms to insert with pglz, 40 ms with lz4, which also stored them smaller (8.9 against 10 MB).
 * Rows already written keep their compression; PostgreSQL reads both.
 */
export class AuditPacksLz41766400000000 implements MigrationInterface {
  name = 'AuditPacksLz41766400000000';

  async up(runner: QueryRunner): Promise<void> {
    if (await lz4Available(runner)) await setCompression(runner, 'lz4');
  }

  async down(runner: QueryRunner): Promise<void> {
    if (await lz4Available(runner)) await setCompression(runner, 'default');
  }
}

async function lz4Available(runner: QueryRunner): Promise<boolean> {
  const rows = (await runner.query(
    `SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  )) as unknown[];
  return rows.length > 0;
}

async function setCompression(runner: QueryRunner, method: 'lz4' | 'default'): Promise<void> {
  const clauses = PACKED_COLUMNS.map((column) => `ALTER COLUMN ${column} SET COMPRESSION ${method}`);
  await runner.query(`ALTER TABLE audit_event_packs ${clauses.join(', ')}`);
}
