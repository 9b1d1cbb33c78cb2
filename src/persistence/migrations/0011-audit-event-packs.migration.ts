import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's recon entries stored a batch to a row (audit-event-packs.sql.ts): the members the batch shares once,
 * each entry's own members as an element of `docs`, its `_id` and entry beside them by position. 100,000
 * entries of a CONFIRMED run took PostgreSQL 1.6–2.4 s of CPU and 99 MB as a row each (three index entries a
 * row); as packs of 500, a fifth of the time and 2 MB. Queries read them back through WHOLE_AUDIT_EVENTS.
 * `first_id`/`last_id` bound the pack's ids, so that reading one event by its `_id` finds its pack by index.
 */
export class AuditEventPacks1766100000000 implements MigrationInterface {
  name = 'AuditEventPacks1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE audit_event_packs (
         id text PRIMARY KEY,
         topic text NOT NULL,
         recon_id text NOT NULL,
         shared jsonb NOT NULL,
         ids text[] NOT NULL,
         docs jsonb NOT NULL,
         entry jsonb,
         entries text[],
         first_id text NOT NULL,
         last_id text NOT NULL)`,
    );
    await runner.query(
      'CREATE INDEX audit_event_packs_recon ON audit_event_packs (topic, recon_id text_pattern_ops)',
    );
    await runner.query('CREATE INDEX audit_event_packs_last ON audit_event_packs (topic, last_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_event_packs');
  }
}
