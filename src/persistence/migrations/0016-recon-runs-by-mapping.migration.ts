import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mapping's runs, newest first, by index: `/metrics` asks at every scrape for each mapping's latest run and latest
 * successful one (ReconRunRepository.latestByMapping), and runs are kept, so without it every scrape would read
 * the whole history.
 */
export class ReconRunsByMapping1766600000000 implements MigrationInterface {
  name = 'ReconRunsByMapping1766600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX recon_runs_mapping ON recon_runs (mapping, started_at DESC, id DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX recon_runs_mapping');
  }
}
