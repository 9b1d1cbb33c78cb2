import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Managed objects as JSON documents; indexes for searchable properties are added from managed.json at start. */
export class ManagedObjects1763856000000 implements MigrationInterface {
  name = 'ManagedObjects1763856000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE managed_objects (
        object_type text NOT NULL,
        id text NOT NULL,
        rev bigint NOT NULL,
        doc jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (object_type, id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE managed_objects');
  }
}
