import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_events_recon` (migration 0004) holds only the events that belong to a run. Activity and sync events
 * have no `recon_id`, yet each took an entry in it under a random id: a first recon of 100,000 entries wrote
 * 200,000 of them, a third of the cost of those rows' inserts and half of the index's 69 MB. Every condition
 * on `recon_id` the filters emit (`=`, the pattern comparisons of `sw`) is strict, so PostgreSQL still
 * chooses the partial index for them.
 */
export class AuditReconIndexPartial1766000000000 implements MigrationInterface {
  name = 'AuditReconIndexPartial1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX audit_events_recon');
    await runner.query(
      `CREATE INDEX audit_events_recon ON audit_events (topic, recon_id text_pattern_ops, id)
         WHERE recon_id IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX audit_events_recon');
    await runner.query(
      'CREATE INDEX audit_events_recon ON audit_events (topic, recon_id text_pattern_ops, id)',
    );
  }
}
