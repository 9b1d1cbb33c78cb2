import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events of the `recon`, `sync` and `activity` topics (§9) as JSON documents. `timestamp` and
 * `recon_id` copy the event's `timestamp` and `reconId` strings (NULL when absent) so that the usual
 * filters (`reconId eq "…"`, `timestamp gt "…"`) use an index. `timestamp` stays text: OpenIDM's ISO-8601
 * UTC strings sort in time order, and a filter compares strings exactly as the document holds them.
 * `text_pattern_ops` serves `=`, `sw` and the byte-order comparisons that query-filter.sql.ts emits.
 */
export class AuditEvents1764460800002 implements MigrationInterface {
  name = 'AuditEvents1764460800002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_events (
        topic text NOT NULL,
        id text NOT NULL,
        "timestamp" text NOT NULL,
        recon_id text,
        doc jsonb NOT NULL,
        PRIMARY KEY (topic, id)
      )`);
    await runner.query(
      'CREATE INDEX audit_events_time ON audit_events (topic, "timestamp" text_pattern_ops)',
    );
    // `id` last: the events of one run come in the default CREST order (by _id) straight from the index.
    await runner.query(
      'CREATE INDEX audit_events_recon ON audit_events (topic, recon_id text_pattern_ops, id)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_events');
  }
}
