import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable delivery of implicit sync and live-sync state.
 *
 * `sync_queue`: the outbox of managed-object changes awaiting implicit sync, written atomically with the managed
 * write (in its statement: persistence/following-writes.ts). One row per object (unique resource + object_id): a
 * newer change merges into the row and bumps `version`, so a worker that finishes an older version leaves the row
 * for another pass (level-triggered).
 * `locked_by`/`locked_until` are a lease: the claim is a short `FOR UPDATE SKIP LOCKED` transaction, processing
 * happens outside it, and a node that dies mid-delivery loses its lease when `locked_until` passes.
 *
 * `synchronisation_objects`: OpenIDM's `repo/synchronisation/<collection>/<id>` documents — live-sync tokens
 * (`pooledSyncStage/SYSTEMLDAPACCOUNT`) and dead letters (`deadLetterQueue/<system>/<token>`).
 */
export class SyncDelivery1765600000000 implements MigrationInterface {
  name = 'SyncDelivery1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sync_queue (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resource text NOT NULL,
        object_id text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
        last_state jsonb,
        version bigint NOT NULL DEFAULT 1,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        locked_by text,
        locked_until timestamptz,
        CONSTRAINT sync_queue_object_key UNIQUE (resource, object_id)
      )`);
    // The worker's claim: due pending rows in due order.
    await runner.query(
      "CREATE INDEX sync_queue_due ON sync_queue (next_attempt_at, id) WHERE state = 'pending'",
    );
    await runner.query(`
      CREATE TABLE synchronisation_objects (
        collection text NOT NULL,
        id text NOT NULL,
        rev bigint NOT NULL,
        doc jsonb NOT NULL,
        PRIMARY KEY (collection, id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE synchronisation_objects');
    await runner.query('DROP TABLE sync_queue');
  }
}
