import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenIDM's explicit `links` table (shared/reference/openidm-sync-facts.md §3): per link type and qualifier a
 * source id has at most one target and a target at most one source. The constraint names are what
 * link.repository.ts reads to say which side a duplicate was on.
 */
export class Links1764460800000 implements MigrationInterface {
  name = 'Links1764460800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE links (
        id text PRIMARY KEY,
        rev bigint NOT NULL,
        link_type text NOT NULL,
        link_qualifier text NOT NULL,
        first_id text NOT NULL,
        second_id text NOT NULL,
        CONSTRAINT links_first_key UNIQUE (link_type, link_qualifier, first_id),
        CONSTRAINT links_second_key UNIQUE (link_type, link_qualifier, second_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE links');
  }
}
