import type { ConfigProblem } from './config.error';
import type { PropertySource } from './property.source';

/** Process-level settings that come from properties and the environment rather than a JSON file. */
export interface BootConfig {
  readonly httpPort: number;
  readonly host: string;
  /** Key for `encryption` properties; absent means the server must refuse to store encrypted values. */
  readonly encryptionKey?: string;
  /** This node's id in a cluster (scheduler ownership); absent means the server picks one. */
  readonly nodeId?: string;
}

export const HTTP_PORT_PROPERTY = 'openidm.port.http';
export const HOST_PROPERTY = 'openidm.host';
export const ENCRYPTION_KEY_PROPERTY = 'openidm.encryption.key';

/**
 * `&{openidm.port.http|8080}`, `&{openidm.host|0.0.0.0}`; the encryption key from `CONCORD_ENCRYPTION_KEY`,
 * else the `openidm.encryption.key` property; the node id from `CONCORD_NODE_ID`.
 */
export function resolveBoot(
  properties: PropertySource,
  env: NodeJS.ProcessEnv,
): { boot?: BootConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const rawPort = properties.lookup(HTTP_PORT_PROPERTY) ?? '8080';
  const port = /^\s*\d+\s*$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    const origin = properties.origin(HTTP_PORT_PROPERTY) ?? { file: 'boot', path: '/' + HTTP_PORT_PROPERTY };
    problems.push({
      ...origin,
      message: `expected a port number from 1 to 65535, got ${JSON.stringify(rawPort)}`,
    });
  }
  const host = properties.lookup(HOST_PROPERTY) ?? '0.0.0.0';
  const encryptionKey =
    nonEmpty(env.CONCORD_ENCRYPTION_KEY) ?? nonEmpty(properties.lookup(ENCRYPTION_KEY_PROPERTY));
  const nodeId = nonEmpty(env.CONCORD_NODE_ID);
  if (problems.length > 0) return { problems };
  return {
    boot: {
      httpPort: port,
      host,
      ...(encryptionKey !== undefined ? { encryptionKey } : {}),
      ...(nodeId !== undefined ? { nodeId } : {}),
    },
    problems,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
