import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { SqlDatabase } from '../persistence/sql-database';
import { EmbeddedDataLock } from './embedded-data.lock';
import { ClusterStore, type ClusterNode } from './ports/cluster.store';
import { ScheduleStore } from './ports/schedule.store';
import { SchedulerSettings } from './scheduler.settings';
import { StaleReconSweep } from './stale-recon.sweep';

/**
 * This node's membership of the cluster: joins at start (taking the embedded database's lock when there is
 * one), heart-beats (and with each heartbeat fails the recons of nodes that stopped heart-beating), and
 * leaves gracefully, handing back the leases of the jobs it was running.
 */
@Injectable()
export class ClusterMembership {
  private readonly logger = new Logger('Cluster');
  private lock: EmbeddedDataLock | undefined;

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly nodes: ClusterStore,
    private readonly store: ScheduleStore,
    private readonly db: SqlDatabase,
    private readonly staleRecons: StaleReconSweep,
  ) {}

  get nodeId(): string {
    return this.settings.nodeId;
  }

  async join(): Promise<void> {
    if (this.db.kind === 'embedded' && this.settings.embeddedDataDir !== undefined) {
      this.lock = new EmbeddedDataLock(this.settings.embeddedDataDir);
      this.lock.acquire();
    }
    const nodeId = this.settings.nodeId;
    const previous = await this.nodes.join({ nodeId, host: hostname(), pid: process.pid });
    if (previous?.state === 'running' && previous.pid !== process.pid) {
      const age = Math.round((Date.now() - previous.heartbeatMs) / 1000);
      this.logger.warn(
        `Node id ${nodeId} was last seen running as pid ${previous.pid} on ${previous.host} (heartbeat ${age} s ago); ` +
          'if that process still runs, give each node its own CONCORD_NODE_ID',
      );
    }
    const abandoned = await this.store.abandonRuns(
      nodeId,
      `node ${nodeId} restarted while the job was running`,
    );
    if (abandoned > 0)
      this.logger.warn(`Marked ${abandoned} run(s) interrupted by this node's restart FAILED`);
    this.logger.log(
      this.db.kind === 'embedded'
        ? `Node ${nodeId}: embedded database, single node`
        : `Node ${nodeId} joined the cluster`,
    );
  }

  async heartbeat(): Promise<void> {
    await this.nodes.heartbeat(this.settings.nodeId);
    try {
      await this.staleRecons.sweep();
    } catch (error) {
      this.logger.error(
        `Sweeping the recons of silent nodes failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async leave(): Promise<void> {
    const nodeId = this.settings.nodeId;
    try {
      await this.store.abandonRuns(nodeId, `node ${nodeId} stopped while the job was running`);
      await this.nodes.leave(nodeId);
    } catch (error) {
      this.logger.error(
        `Leaving the cluster failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.lock?.release();
    }
  }

  list(): Promise<ClusterNode[]> {
    return this.nodes.list(this.settings.nodeTimeoutMs);
  }
}
