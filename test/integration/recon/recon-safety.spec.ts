import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../../e2e/recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const nobody = { sourceQuery: { _queryFilter: 'uid eq "nobody"' } };

async function managedUsers(
  env: ReconTestEnv,
): Promise<{ _id: string; _rev: string; userName: string; mail: string }[]> {
  const res = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
  return res.body.result;
}

/** The guards that keep a recon from destroying data: dry run, empty source, delete threshold. */
describe('recon: dry run, empty source and delete threshold', () => {
  let env: ReconTestEnv;

  beforeAll(async () => {
    env = await startReconTest({
      mappings: ([ldapToManaged, managedToLdap]) => [
        { ...ldapToManaged, deleteThreshold: { count: 1 } },
        managedToLdap,
      ],
    });
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('a dry run records planned CREATEs with their diff and writes nothing', async () => {
    const run = await env.recon(LDAP_TO_MANAGED, '&analyze=true');
    expect(run.state).toBe('SUCCESS');
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ ABSENT: 2 });
    expect(summary['parameters']).toMatchObject({ analyze: true });
    expect(await managedUsers(env)).toEqual([]);
    expect(await env.t.sql('SELECT * FROM links')).toEqual([]);
    const entries = await env.t.admin(
      'get',
      `/openidm/recon/${run._id}/entries?_queryFilter=${encodeURIComponent('action eq "CREATE"')}`,
    );
    expect(entries.status).toBe(200);
    expect(entries.body.result).toHaveLength(2);
    const bjensen = entries.body.result.find((e: { diff: { field: string; after: unknown }[] }) =>
      e.diff.some((d) => d.field === '/userName' && d.after === 'bjensen'),
    );
    expect(bjensen.diff).toEqual(
      expect.arrayContaining([
        { field: '/mail', after: 'bjensen@example.com' },
        { field: '/sn', after: 'Jensen' },
      ]),
    );
    expect(bjensen).toMatchObject({ situation: 'ABSENT', status: 'SUCCESS', phase: 'source' });
  });

  it('a dry run of a changed source shows the UPDATE diff (before → after) and leaves the target alone', async () => {
    await env.recon(LDAP_TO_MANAGED);
    await env.slapd.modify(
      `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: barbara@example.com\n`,
    );
    const before = await managedUsers(env);
    const run = await env.recon(LDAP_TO_MANAGED, '&analyze=true');
    const entries = await env.t.admin(
      'get',
      `/openidm/recon/${run._id}/entries?_queryFilter=${encodeURIComponent('situation eq "CONFIRMED"')}`,
    );
    const diffs = entries.body.result.map((e: { diff: unknown }) => e.diff);
    expect(diffs).toContainEqual([
      { field: '/mail', before: 'bjensen@example.com', after: 'barbara@example.com' },
    ]);
    expect(diffs).toContainEqual([]);
    expect(await managedUsers(env)).toEqual(before);
  });

  it('an empty source ends FAILED and touches nothing, unless allowEmptySourceSet', async () => {
    const before = await managedUsers(env);
    const run = await env.recon(LDAP_TO_MANAGED, '', nobody);
    expect(run.state).toBe('FAILED');
    const summary = await env.summary(run._id);
    expect(summary).toMatchObject({ stage: 'COMPLETED_FAILED', statusSummary: { SUCCESS: 0, FAILURE: 0 } });
    expect(await managedUsers(env)).toEqual(before);
    const allowed = await env.recon(LDAP_TO_MANAGED, '', {
      ...nobody,
      allowEmptySourceSet: true,
      runTargetPhase: false,
    });
    expect(allowed.state).toBe('SUCCESS');
  });

  it('more deletes than the threshold: FAILED with the figures, nothing deleted; confirmDeletes lets them through', async () => {
    await env.recon(LDAP_TO_MANAGED);
    expect(await managedUsers(env)).toHaveLength(2);
    // Both LDAP entries go: the target phase finds two SOURCE_MISSING, which the sample maps to DELETE.
    await env.slapd.modify(
      `dn: uid=bjensen,${PEOPLE}\nchangetype: delete\n\ndn: uid=jdoe,${PEOPLE}\nchangetype: delete\n`,
    );
    await env.slapd
      .modify('dn: cn=openidm,ou=Groups,dc=example,dc=com\nchangetype: delete\n')
      .catch(() => undefined);
    const stopped = await env.recon(LDAP_TO_MANAGED, '', { allowEmptySourceSet: true });
    expect(stopped.state).toBe('FAILED');
    const summary = await env.summary(stopped._id);
    expect(summary['deleteThreshold']).toMatchObject({ limit: 1, planned: 2, exceeded: true });
    expect(summary['situationSummary']).toMatchObject({ SOURCE_MISSING: 2 });
    expect((summary['error'] as { message: string }).message).toContain('confirmDeletes=true');
    expect(await managedUsers(env)).toHaveLength(2);
    expect(await env.t.sql('SELECT * FROM links')).toHaveLength(2);

    const confirmed = await env.recon(LDAP_TO_MANAGED, '&confirmDeletes=true', { allowEmptySourceSet: true });
    expect(confirmed.state).toBe('SUCCESS');
    expect((await env.summary(confirmed._id))['statusSummary']).toEqual({ SUCCESS: 2, FAILURE: 0 });
    expect(await managedUsers(env)).toEqual([]);
    expect(await env.t.sql('SELECT * FROM links')).toEqual([]);
  });
});
