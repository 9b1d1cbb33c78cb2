import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a queued change's delivery compares against, so that it writes what the change changed and no LDAP edit
 * made meanwhile is written over:
 * - `seen`: for a change live sync wrote into a managed object, the entry it read (SeenObject). Only the inline
 *   delivery had it; a row left to the worker (the inline attempt failed, or the process died before it) keeps it
 *   now. NULL for every other writer, and such a writer's change merged into the row clears it.
 * - `old_state`: for an update, the object as it was before the first change the row holds (as a read returned
 *   it), OpenIDM's `oldSource` of implicit sync. NULL asks for the object's whole state to be synced (a create, a
 *   change recorded without it); a merge keeps the oldest, and NULL on either side wins.
 */
export class SyncQueueBases1766200000000 implements MigrationInterface {
  name = 'SyncQueueBases1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sync_queue ADD COLUMN seen jsonb, ADD COLUMN old_state jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sync_queue DROP COLUMN seen, DROP COLUMN old_state');
  }
}
