import { Controller, Get, Param } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { notFound } from '../core/errors/domain-error';
import { ClusterMembership } from './cluster-membership.service';
import type { ClusterNode } from './ports/cluster.store';

/** `GET /openidm/cluster`: the nodes sharing this database, as OpenIDM lists them (plus the heartbeat). */
@ApiTags('cluster')
@ApiSecurity('openidm-headers')
@Controller('openidm/cluster')
export class ClusterController {
  constructor(private readonly membership: ClusterMembership) {}

  @Get()
  async list(): Promise<{ results: Record<string, unknown>[] }> {
    return { results: (await this.membership.list()).map(show) };
  }

  @Get(':id')
  async read(@Param('id') id: string): Promise<Record<string, unknown>> {
    const node = (await this.membership.list()).find((n) => n.nodeId === id);
    if (node === undefined) throw notFound(`Cluster node ${id} not found`);
    return show(node);
  }
}

function show(node: ClusterNode): Record<string, unknown> {
  return {
    _id: node.nodeId,
    instanceId: node.nodeId,
    state: node.state,
    startup: new Date(node.startedMs).toISOString(),
    shutdown: node.stoppedMs === null ? '' : new Date(node.stoppedMs).toISOString(),
    lastHeartbeat: new Date(node.heartbeatMs).toISOString(),
    host: node.host,
    pid: node.pid,
  };
}
