/**
 * End-to-end set-up for `/openidm/system`: a private slapd with the sample directory, and Concord on a temp copy
 * of config/ plus provisioner files pointing at it. Connector `ldap` is the sample's file unchanged (bound as
 * the sample's `cn=Directory Manager`, through `&{openidm.ldap.*}` properties); tests add more connectors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';

export const SAMPLE_PROVISIONER = join(
  __dirname,
  '../../../samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json',
);
export const PEOPLE = 'ou=People,dc=example,dc=com';
export const GROUPS = 'ou=Groups,dc=example,dc=com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw provisioner JSON that tests reshape freely
export type RawProvisioner = Record<string, any>;

export interface SystemTestEnv {
  readonly slapd: SlapdInstance;
  readonly t: TestConcord;
  destroy(): Promise<void>;
}

export interface SystemTestOptions {
  /** LDIF added to the sample directory. */
  readonly ldif?: string;
  /** More provisioner files: connector name → file content (built from the sample with `provisioner()`). */
  readonly connectors?: (slapd: SlapdInstance) => Record<string, RawProvisioner>;
}

/** The sample provisioner file with `changes` applied; `name` is set from the argument. */
export function provisioner(name: string, changes: (raw: RawProvisioner) => void = () => {}): RawProvisioner {
  const raw = JSON.parse(readFileSync(SAMPLE_PROVISIONER, 'utf8')) as RawProvisioner;
  raw.name = name;
  changes(raw);
  return raw;
}

export async function startSystemTest(options: SystemTestOptions = {}): Promise<SystemTestEnv> {
  const slapd = await startSlapd({ ldif: `${factory.sampleLdif()}\n${options.ldif ?? ''}` });
  try {
    const projectDir = tempProjectDir();
    const configDir = join(projectDir, 'config');
    writeFileSync(join(configDir, 'provisioner.openicf-ldap.json'), readFileSync(SAMPLE_PROVISIONER));
    for (const [name, raw] of Object.entries(options.connectors?.(slapd) ?? {})) {
      writeFileSync(join(configDir, `provisioner.openicf-${name}.json`), JSON.stringify(raw, null, 2));
    }
    const t = await startConcord({
      repo: 'postgres',
      projectDir,
      env: { OPENIDM_LDAP_HOST: slapd.host, OPENIDM_LDAP_PORT: String(slapd.port) },
    });
    return {
      slapd,
      t,
      destroy: async () => {
        await t.destroy();
        await slapd.destroy();
      },
    };
  } catch (error) {
    await slapd.destroy();
    throw error;
  }
}

/** A whole-directory dump (as the root DN), to show that a request changed nothing. */
export function dumpDirectory(slapd: SlapdInstance): Promise<string> {
  return slapd.search('dc=example,dc=com', '(objectClass=*)', ['*', '+']).then((ldif) =>
    // Operational timestamps of the service account's binds are not changes made by a request.
    ldif
      .split('\n')
      .filter((line) => !/^(authTimestamp|pwdLastSuccess):/i.test(line))
      .join('\n'),
  );
}

export const q = (filter: string): string => encodeURIComponent(filter);
