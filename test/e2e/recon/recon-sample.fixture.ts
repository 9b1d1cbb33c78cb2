/**
 * End-to-end set-up for reconciliation: a private slapd loaded with the sample's Example.ldif, and Concord on
 * a temp copy of samples/sync-with-ldap-bidirectional/config (its sync.json, provisioner, managed.json)
 * against the real PostgreSQL (fresh schema).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type RepoKind, type TestConcord } from '../../support/concord-app';
import { withSettings } from '../../support/process-env';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';

export const SAMPLE_CONFIG = join(__dirname, '../../../samples/sync-with-ldap-bidirectional/config');
export const LDAP_TO_MANAGED = 'systemLdapAccounts_managedUser';
export const MANAGED_TO_LDAP = 'managedUser_systemLdapAccounts';

export interface ReconTestEnv {
  readonly slapd: SlapdInstance;
  readonly t: TestConcord;
  /** `POST /openidm/recon?_action=recon&mapping=…&waitForCompletion=true` plus extra parameters; the reply body. */
  recon(mapping: string, extra?: string, body?: unknown): Promise<{ _id: string; state: string }>;
  summary(id: string): Promise<Record<string, unknown>>;
  destroy(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw sync.json that tests reshape freely
export type RawMapping = Record<string, any>;

export interface ReconTestOptions {
  /** LDIF added to the sample directory. */
  readonly ldif?: string;
  /** Reshapes the sample's two mappings (index 0: LDAP → managed, 1: managed → LDAP) before start. */
  readonly mappings?: (mappings: [RawMapping, RawMapping]) => RawMapping[];
  /** More files of the project's config directory, by name (`audit.json`), as JSON. */
  readonly configFiles?: Readonly<Record<string, unknown>>;
  /** The repository: PostgreSQL (default) or the embedded one. */
  readonly repo?: RepoKind;
  /** Settings Concord reads from the process environment at start-up (`CONCORD_LIVESYNC_SOURCES`, …). */
  readonly settings?: Readonly<Record<string, string>>;
}

/** The sample's sync.json as shipped. */
export function sampleMappings(): RawMapping[] {
  return (JSON.parse(readFileSync(join(SAMPLE_CONFIG, 'sync.json'), 'utf8')) as { mappings: RawMapping[] })
    .mappings;
}

export async function startReconTest(options: ReconTestOptions = {}): Promise<ReconTestEnv> {
  const slapd = await startSlapd({ ldif: `${factory.sampleLdif()}\n${options.ldif ?? ''}` });
  try {
    const projectDir = tempProjectDir(SAMPLE_CONFIG);
    if (options.mappings !== undefined) {
      const mappings = options.mappings(sampleMappings() as [RawMapping, RawMapping]);
      writeFileSync(join(projectDir, 'config', 'sync.json'), JSON.stringify({ mappings }, null, 2));
    }
    for (const [name, content] of Object.entries(options.configFiles ?? {})) {
      writeFileSync(join(projectDir, 'config', name), JSON.stringify(content, null, 2));
    }
    const t = await withSettings({ ...options.settings }, () =>
      startConcord({
        repo: options.repo ?? 'postgres',
        projectDir,
        env: { OPENIDM_LDAP_HOST: slapd.host, OPENIDM_LDAP_PORT: String(slapd.port) },
      }),
    );
    return {
      slapd,
      t,
      async recon(mapping, extra = '', body) {
        const res = await t
          .admin('post', `/openidm/recon?_action=recon&mapping=${mapping}&waitForCompletion=true${extra}`)
          .send(body ?? {});
        if (res.status !== 200) throw new Error(`recon answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body as { _id: string; state: string };
      },
      async summary(id) {
        const res = await t.admin('get', `/openidm/recon/${id}`);
        if (res.status !== 200)
          throw new Error(`GET recon answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body as Record<string, unknown>;
      },
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

/**
 * The sample reconciled from LDAP into managed/user (startReconTest, then the LDAP → managed recon) before the
 * file's tests, destroyed after them. Usable as a ReconTestEnv from inside the tests.
 */
export function reconciledSampleForFile(): ReconTestEnv {
  let env: ReconTestEnv | undefined;
  const started = (): ReconTestEnv => {
    if (env === undefined) throw new Error('the reconciled sample is only there inside the tests');
    return env;
  };
  beforeAll(async () => {
    env = await startReconTest();
    await env.recon(LDAP_TO_MANAGED);
  });
  afterAll(async () => {
    await env?.destroy();
  });
  return {
    get slapd() {
      return started().slapd;
    },
    get t() {
      return started().t;
    },
    recon: (mapping, extra, body) => started().recon(mapping, extra, body),
    summary: (id) => started().summary(id),
    destroy: () => started().destroy(),
  };
}
