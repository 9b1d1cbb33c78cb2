import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Packs of recon entries in agreement (audit-event-packs.sql.ts, `agreedEventPack`) keep what sets their entries
 * apart as columns: each entry's timestamp and bare object ids, and the two sets that qualify the ids, once. Such a
 * pack has no `docs`; reading builds each entry's own members from the columns (unpackedAuditEvents). Writing a
 * JSON document per entry was, after the unchanged shortcut, the largest single cost of a recon that finds
 * nothing changed, for Concord and for PostgreSQL alike.
 */
export class AgreedEventPacks1766300000000 implements MigrationInterface {
  name = 'AgreedEventPacks1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE audit_event_packs
         ALTER COLUMN docs DROP NOT NULL,
         ADD COLUMN timestamps text[],
         ADD COLUMN source_set text,
         ADD COLUMN source_ids text[],
         ADD COLUMN target_set text,
         ADD COLUMN target_ids text[]`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE audit_event_packs p SET docs = (
         SELECT jsonb_agg(jsonb_build_object('timestamp', u.ts, 'sourceObjectId', p.source_set || '/' || u.s,
                  'targetObjectId', p.target_set || '/' || u.t) ORDER BY u.n)
         FROM unnest(p.timestamps, p.source_ids, p.target_ids) WITH ORDINALITY AS u(ts, s, t, n))
       WHERE p.docs IS NULL`,
    );
    await runner.query(
      `ALTER TABLE audit_event_packs
         DROP COLUMN timestamps, DROP COLUMN source_set, DROP COLUMN source_ids, DROP COLUMN target_set,
         DROP COLUMN target_ids,
         ALTER COLUMN docs SET NOT NULL`,
    );
  }
}
