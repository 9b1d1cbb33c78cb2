import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A recon entry is stored in its `audit/recon` event's row instead of a row of its own in `recon_entries`:
 * every member of an entry is one of the event's (§9) except the diff and the qualified ids of
 * ambiguous targets, which go in `entry` (`{diff, ambiguousTargetObjectIds}`; NULL for every other event).
 * A recon wrote two rows per entry before; the second was about a third of what PostgreSQL spent on a
 * recon that changes nothing. Runs recorded before keep their entries in `recon_entries`, still read.
 */
export class ReconEntriesInAudit1765700000000 implements MigrationInterface {
  name = 'ReconEntriesInAudit1765700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events ADD COLUMN entry jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events DROP COLUMN entry');
  }
}
