import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The members a batch of audit events shares (a recon's run, mapping, user, situation…) stored once: a row of
 * `audit_event_commons`, which the batch's rows name in `common_id` and hold only their own members beside.
 * The whole document is `commons.doc || events.doc` (audit-event-source.sql.ts, WHOLE_AUDIT_DOC). Rows
 * written before, and events written one at a time, keep their whole document and no `common_id`.
 */
export class AuditEventCommons1765900000000 implements MigrationInterface {
  name = 'AuditEventCommons1765900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE audit_event_commons (id text PRIMARY KEY, doc jsonb NOT NULL)');
    await runner.query('ALTER TABLE audit_events ADD COLUMN common_id text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events DROP COLUMN common_id');
    await runner.query('DROP TABLE audit_event_commons');
  }
}
