import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sync_queue.seen`: for a change live sync wrote into a managed object, the entry it read (SeenObject). Its
 * delivery compares the reverse mapping's result against that entry rather than a fresh read, so that an LDAP
 * edit made meanwhile is not overwritten. Only the inline delivery had it; a row left to the worker (the inline
 * attempt failed, or the process died before it) now keeps it too. NULL for every other writer, and a change
 * of such a writer merged into the row clears it: the newest change's basis is the one that counts.
 */
export class SyncQueueSeen1766200000000 implements MigrationInterface {
  name = 'SyncQueueSeen1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sync_queue ADD COLUMN seen jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sync_queue DROP COLUMN seen');
  }
}
