import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's recon entries stored a batch to a row (audit-event-packs.sql.ts): the members the batch shares once,
 * each entry's own members as an element of `docs`, its `_id` and entry beside them by position. As a row each,
 * an entry cost three index entries: a CONFIRMED recon of 100,000 entries took PostgreSQL 0.9–1.1 s of CPU in
 * all, and takes 0.45 s with packs (bench:recon (b)). Queries read them through wholeAuditEvents
 * (audit-event-source.sql.ts). `first_id`/`last_id` bound the pack's ids, so that reading one event by its
 * `_id` finds its pack by index.
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
