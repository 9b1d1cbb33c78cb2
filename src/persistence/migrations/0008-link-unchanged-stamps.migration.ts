import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A link's recon stamp (src/core/sync/unchanged-stamp.ts): what its mapping last found in agreement, so that
 * a recon can tell an entry nothing touched since without reading its target. NULL: nothing known. Not part
 * of OpenIDM's link document; `repo/link` never shows it.
 */
export class LinkUnchangedStamps1765800000000 implements MigrationInterface {
  name = 'LinkUnchangedStamps1765800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE links ADD COLUMN stamp text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE links DROP COLUMN stamp');
  }
}
