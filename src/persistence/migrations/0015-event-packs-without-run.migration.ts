import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches of activity and sync events are packs too (audit-event-packs.sql.ts, `eventPack`), and most have no
 * run: `recon_id` may be NULL. `down` turns those packs back into rows of `audit_events`, each event's document
 * whole, before the column is NOT NULL again.
 */
export class EventPacksWithoutRun1766500000000 implements MigrationInterface {
  name = 'EventPacksWithoutRun1766500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_event_packs ALTER COLUMN recon_id DROP NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `INSERT INTO audit_events (topic, id, "timestamp", recon_id, doc, entry, common_id)
       SELECT p.topic, u.id, coalesce(u.doc ->> 'timestamp', p.shared ->> 'timestamp'), NULL, p.shared || u.doc,
              NULL, NULL
         FROM audit_event_packs p, ROWS FROM (unnest(p.ids), jsonb_array_elements(p.docs)) AS u(id, doc)
        WHERE p.recon_id IS NULL`,
    );
    await runner.query('DELETE FROM audit_event_packs WHERE recon_id IS NULL');
    await runner.query('ALTER TABLE audit_event_packs ALTER COLUMN recon_id SET NOT NULL');
  }
}
