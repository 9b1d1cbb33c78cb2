import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduler's shared state, so that several nodes on one PostgreSQL agree on what fires where:
 * - `cluster_nodes`: one row per node, its heartbeat and whether it left gracefully;
 * - `scheduler_jobs`: persisted jobs created over REST (file schedules live in each node's config);
 * - `schedule_fires`: one row per claimed fire, the primary key making the claim exclusive (`scope` is
 *   'cluster' for persisted jobs, the node id for jobs that fire on every node) and the run history;
 * - `schedule_leases`: who runs a non-concurrent job now, until when the lease holds without a heartbeat;
 * - `scheduler_flags`: cluster-wide switches (`paused` by `?_action=pauseJobs`).
 */
export class SchedulerCluster1765500000000 implements MigrationInterface {
  name = 'SchedulerCluster1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE cluster_nodes (
        node_id text PRIMARY KEY,
        state text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        stopped_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE scheduler_jobs (
        id text PRIMARY KEY,
        config jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await runner.query(`
      CREATE TABLE schedule_fires (
        job_id text NOT NULL,
        scope text NOT NULL,
        fire_at timestamptz NOT NULL,
        node_id text NOT NULL,
        state text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        recon_id text,
        message text,
        PRIMARY KEY (job_id, scope, fire_at)
      )`);
    await runner.query(
      `CREATE INDEX schedule_fires_active ON schedule_fires (node_id) WHERE state = 'ACTIVE'`,
    );
    await runner.query(`
      CREATE TABLE schedule_leases (
        job_id text PRIMARY KEY,
        node_id text NOT NULL,
        fire_at timestamptz NOT NULL,
        lease_until timestamptz NOT NULL
      )`);
    await runner.query(`CREATE TABLE scheduler_flags (name text PRIMARY KEY)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'scheduler_flags',
      'schedule_leases',
      'schedule_fires',
      'scheduler_jobs',
      'cluster_nodes',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
