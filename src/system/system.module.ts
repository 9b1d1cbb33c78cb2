import { Global, Module, type DynamicModule } from '@nestjs/common';
import { provisionerConfigFile, configFiles } from '../config/config-file.registry';
import type { LoadedProject } from '../config/loaded-project';
import { LdapConnector } from '../connectors/ldap/ldap.connector';
import { compileProvisioner } from '../connectors/ldap/provisioner.schema';
import { DomainError } from '../core/errors/domain-error';
import { describeConnector } from './connector-descriptor';
import { ConnectorRegistry, type RegisteredConnector } from './connector-registry';
import { SystemActionsController } from './system-actions.controller';
import { SystemObjectsController } from './system-objects.controller';
import { SystemService } from './system.service';

/**
 * `/openidm/system/...`: the connectors of the project's provisioner files and their REST API. Global so that
 * reconciliation and live sync can inject the ConnectorRegistry without importing this module.
 */
@Global()
@Module({})
export class SystemModule {
  static forProject(project: Pick<LoadedProject, 'files' | 'checkedFiles'>): DynamicModule {
    return {
      module: SystemModule,
      // Actions first: its routes have fewer path segments, so neither controller's 405 fallbacks shadow the other's.
      controllers: [SystemActionsController, SystemObjectsController],
      providers: [{ provide: ConnectorRegistry, useValue: buildRegistry(project) }, SystemService],
      exports: [ConnectorRegistry, SystemService],
    };
  }
}

/** One LdapConnector per enabled provisioner file; two files naming the same `system/<name>` stop the start. */
export function buildRegistry(project: Pick<LoadedProject, 'files' | 'checkedFiles'>): ConnectorRegistry {
  const entries: RegisteredConnector[] = [];
  const seen = new Map<string, string>();
  for (const [key, file] of configFiles(project, provisionerConfigFile)) {
    const descriptor = describeConnector(key, file);
    const previous = seen.get(descriptor.name);
    if (previous !== undefined) {
      throw new DomainError(
        'CONFIG_INVALID',
        `${key}: the connector name "${descriptor.name}" is already used by ${previous}`,
      );
    }
    seen.set(descriptor.name, key);
    const connector = descriptor.enabled ? new LdapConnector(compileProvisioner(file)) : null;
    entries.push({ descriptor, connector });
  }
  return new ConnectorRegistry(entries);
}
