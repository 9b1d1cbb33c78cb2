import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation runs and their per-entry results, so that runs survive a restart as history and every node
 * sees them. `summary` is the §4.3 JSON as served; the columns beside it are what the engine looks runs up by.
 * An entry's position is `seq`, rendered as 19 zero-padded digits (the longest bigint) so that text order is
 * insertion order: CREST paging orders and pages by a text id, and the expression index serves that order.
 */
export class ReconRuns1764460800001 implements MigrationInterface {
  name = 'ReconRuns1764460800001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE recon_runs (
        id text PRIMARY KEY,
        mapping text NOT NULL,
        node_id text NOT NULL,
        state text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        heartbeat_at timestamptz NOT NULL,
        cancel_requested boolean NOT NULL DEFAULT false,
        summary jsonb NOT NULL
      )`);
    await runner.query('CREATE INDEX recon_runs_started ON recon_runs (started_at, id)');
    await runner.query(`CREATE INDEX recon_runs_active ON recon_runs (id) WHERE state = 'ACTIVE'`);
    await runner.query(`
      CREATE TABLE recon_entries (
        recon_id text NOT NULL REFERENCES recon_runs (id) ON DELETE CASCADE,
        seq bigserial NOT NULL,
        doc jsonb NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX recon_entries_position ON recon_entries (recon_id, (lpad(seq::text, 19, '0')))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE recon_entries');
    await runner.query('DROP TABLE recon_runs');
  }
}
