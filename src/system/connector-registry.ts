/**
 * The configured connected systems by name (`system/<name>`): one connector per enabled
 * `provisioner.openicf-<name>.json`. Connectors connect lazily, so Concord starts while a directory is down;
 * every connection is closed when the application shuts down.
 */
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { notFound } from '../core/errors/domain-error';
import type { SystemConnector } from '../connectors/system-connector.port';
import type { ConnectorDescriptor } from './connector-descriptor';

export interface RegisteredConnector {
  readonly descriptor: ConnectorDescriptor;
  /** Null when the file says `"enabled": false`. */
  readonly connector: SystemConnector | null;
}

export class ConnectorRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger('ConnectorRegistry');
  private readonly byName = new Map<string, RegisteredConnector>();

  constructor(entries: readonly RegisteredConnector[]) {
    for (const entry of entries) this.byName.set(entry.descriptor.name, entry);
  }

  /** The connector of `system/<name>`; NOT_FOUND when none is configured or it is disabled. */
  get(name: string): SystemConnector {
    const entry = this.byName.get(name);
    if (!entry) throw notFound(`No connector is configured for system/${name}`);
    if (!entry.connector) throw notFound(`The connector system/${name} is disabled`);
    return entry.connector;
  }

  /** The registration of `system/<name>` (enabled or not); NOT_FOUND when none is configured. */
  entry(name: string): RegisteredConnector {
    const entry = this.byName.get(name);
    if (!entry) throw notFound(`No connector is configured for system/${name}`);
    return entry;
  }

  /** Every registration, in name order. */
  entries(): RegisteredConnector[] {
    return [...this.byName.values()].sort((a, b) => a.descriptor.name.localeCompare(b.descriptor.name));
  }

  /** Closes every connector; one failing to close does not keep the others open. */
  async close(): Promise<void> {
    const open = [...this.byName.values()].flatMap((entry) => (entry.connector ? [entry.connector] : []));
    const results = await Promise.allSettled(open.map((connector) => connector.close()));
    for (const result of results) {
      if (result.status === 'rejected') {
        const reason: unknown = result.reason;
        this.logger.warn({ err: reason }, 'Closing a connector failed');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
