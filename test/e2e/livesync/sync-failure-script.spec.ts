/**
 * `syncFailureHandler.postRetryAction: {"script": {...}}` (§5.3) in a running Concord: the provisioner file with
 * the script form loads, and a live-sync change the mapping cannot apply runs the script with `syncFailure`,
 * `failureCause` and `failureHandlers`; the script hands the change to the dead-letter queue, and live sync moves on.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dropSchema,
  newSchemaName,
  startConcord,
  tempProjectDir,
  type TestConcord,
} from '../../support/concord-app';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { SAMPLE_CONFIG } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let slapd: SlapdInstance;
let t: TestConcord;

/** The sample project with `syncFailureHandler` replaced. */
function projectWith(syncFailureHandler: unknown): string {
  const projectDir = tempProjectDir(SAMPLE_CONFIG);
  const file = join(projectDir, 'config', 'provisioner.openicf-ldap.json');
  const provisioner = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...provisioner, syncFailureHandler }, null, 2));
  return projectDir;
}

const ldapEnv = () => ({ OPENIDM_LDAP_HOST: slapd.host, OPENIDM_LDAP_PORT: String(slapd.port) });

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  const projectDir = projectWith({
    maxRetries: 0,
    postRetryAction: {
      script: {
        type: 'text/javascript',
        source: [
          "if (syncFailure.systemIdentifier !== 'ldap' || failureCause.indexOf('policy') < 0) {",
          "  throw new Error('unexpected failure: ' + failureCause);",
          '}',
          'logger.info("dead-lettering {}", syncFailure.uid);',
          'failureHandlers.deadLetterQueue.invoke(syncFailure, failureCause);',
        ].join('\n'),
      },
    },
  });
  t = await startConcord({ repo: 'postgres', projectDir, env: ldapEnv() });
});
afterAll(async () => {
  await t?.destroy();
  await slapd?.destroy();
});

const liveSync = () => t.admin('post', '/openidm/system/ldap/account?_action=liveSync');

it('runs the script on a change the mapping refuses, which puts it in the dead-letter queue', async () => {
  expect((await liveSync()).status).toBe(200);
  // No mail: managed/user requires one, so the inbound mapping's CREATE fails.
  await slapd.add(
    `dn: uid=nomail,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: nomail\ncn: No Mail\nsn: Mail\ngivenName: No\n`,
  );
  await slapd.add(factory.ldapEntry({ uid: 'after', mail: 'after@example.com' }));

  const res = await liveSync();

  expect(res.status).toBe(200);
  expect(res.body.lastException).toBeUndefined();
  const letters = await t.admin('get', '/openidm/repo/synchronisation/deadLetterQueue?_queryFilter=true');
  expect(letters.status).toBe(200);
  expect(letters.body.result).toHaveLength(1);
  expect(letters.body.result[0]).toMatchObject({
    systemIdentifier: 'ldap',
    objectType: 'account',
    failureCause: expect.stringContaining('Failed policy validation'),
  });
  expect(String(letters.body.result[0].failedRecord)).toContain('nomail');
  // The change after the failing one was handled: live sync moved past it.
  const after = await t.admin('get', '/openidm/managed/user?_queryFilter=userName+eq+"after"');
  expect(after.body.result).toHaveLength(1);
});

it('refuses at start a postRetryAction that is neither a known name nor a script', async () => {
  for (const postRetryAction of ['drop-it', { scrip: { source: '1' } }, { script: 'x' }]) {
    const projectDir = projectWith({ maxRetries: 0, postRetryAction });
    const schema = newSchemaName();
    try {
      await expect(startConcord({ repo: 'postgres', projectDir, schema, env: ldapEnv() })).rejects.toThrow(
        /postRetryAction/,
      );
    } finally {
      await dropSchema(schema);
      rmSync(projectDir, { recursive: true, force: true });
    }
  }
});
