/**
 * End-to-end set-up for durable delivery: a private slapd with the sample directory and Concord (in process, on a
 * fresh PostgreSQL schema) with the sample LDAP connector pointed at it. Deliveries go through the sample's
 * mappings (managedUser_systemLdapAccounts), or, for tests of the queue alone, through the test's
 * LdapWriterProcessor bound as the ChangeProcessor in place of the sync engine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../src/core/errors/domain-error';
import { ManagedService } from '../../../src/managed/managed.service';
import { ChangeDelivery } from '../../../src/sync-queue/change-delivery.service';
import { ConnectorRegistry } from '../../../src/system/connector-registry';
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { LdapWriterProcessor } from '../../integration/sync-queue/ldap-writer.processor';

export const SAMPLE_CONFIG = join(__dirname, '../../../samples/sync-with-ldap-bidirectional/config');
export const SAMPLE_PROVISIONER = join(SAMPLE_CONFIG, 'provisioner.openicf-ldap.json');

/** A temp project: config/ plus the sample provisioner file (host and port from OPENIDM_LDAP_* properties). */
export function deliveryProject(): string {
  const projectDir = tempProjectDir();
  writeFileSync(
    join(projectDir, 'config', 'provisioner.openicf-ldap.json'),
    readFileSync(SAMPLE_PROVISIONER),
  );
  return projectDir;
}

export const ldapEnv = (slapd: SlapdInstance) => ({
  OPENIDM_LDAP_HOST: slapd.host,
  OPENIDM_LDAP_PORT: String(slapd.port),
});

/** A temp project with the whole sample configuration: its sync.json mappings, managed.json and provisioner. */
export function sampleProject(): string {
  return tempProjectDir(SAMPLE_CONFIG);
}

/**
 * Starts Concord with `settings` in the process environment (durable delivery reads CONCORD_SYNC_* there at
 * start-up); deliveries go through the project's sync.json mappings.
 */
export async function startWithSettings(
  slapd: SlapdInstance,
  options: { projectDir: string; schema?: string; settings?: Record<string, string> },
): Promise<TestConcord> {
  const saved = Object.fromEntries(Object.keys(options.settings ?? {}).map((key) => [key, process.env[key]]));
  Object.assign(process.env, options.settings);
  try {
    return await startConcord({
      repo: 'postgres',
      projectDir: options.projectDir,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      env: ldapEnv(slapd),
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** As startWithSettings, with an LdapWriterProcessor bound in place of the sync engine's mappings. */
export async function startWithProcessor(
  slapd: SlapdInstance,
  options: { projectDir: string; schema?: string; settings?: Record<string, string> },
): Promise<{ t: TestConcord; processor: LdapWriterProcessor }> {
  const t = await startWithSettings(slapd, options);
  const managed = t.concord.app.get(ManagedService);
  const registry = t.concord.app.get(ConnectorRegistry);
  const processor = new LdapWriterProcessor(
    (id) =>
      managed.read('user', id, undefined).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
        throw error;
      }),
    () => registry.get('ldap'),
  );
  t.concord.app.get(ChangeDelivery).use(processor);
  return { t, processor };
}

export const startDirectory = (): Promise<SlapdInstance> => startSlapd({ ldif: factory.sampleLdif() });

/**
 * A private slapd and Concord on the sample's mappings with `settings`, started before the file's tests and
 * destroyed after them; read `slapd` and `t` from the returned object once the tests run.
 */
export function sampleNodeForFile(settings: Record<string, string>): {
  readonly slapd: SlapdInstance;
  readonly t: TestConcord;
} {
  const rig = {} as { slapd: SlapdInstance; t: TestConcord };
  beforeAll(async () => {
    rig.slapd = await startDirectory();
    rig.t = await startWithSettings(rig.slapd, { projectDir: sampleProject(), settings });
  });
  afterAll(async () => {
    await rig.t.destroy();
    await rig.slapd.destroy();
  });
  return rig;
}

/** The LDAP entry of a user (`uid=<userName>,ou=People`) as LDIF, empty when absent. */
export function ldapEntry(slapd: SlapdInstance, userName: string): Promise<string> {
  return slapd.search('ou=People,dc=example,dc=com', `(uid=${userName})`, ['uid', 'sn', 'description']);
}

export const newUser = (userName: string, extra: Record<string, string> = {}) => ({
  userName,
  givenName: userName,
  sn: 'Tester',
  mail: `${userName}@example.com`,
  ...extra,
});
