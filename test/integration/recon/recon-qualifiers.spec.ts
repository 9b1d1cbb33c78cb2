import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../../e2e/recon/recon-sample.fixture';
import { factory } from '../../support/slapd.factory';

const js = (source: string) => ({ type: 'text/javascript', source });

/** Link qualifiers (script form, qualifier-dependent policies) and entries that fail without stopping the run. */
describe('recon: link qualifiers and failing entries', () => {
  let env: ReconTestEnv;

  beforeAll(async () => {
    env = await startReconTest({
      ldif: ['loopy', 'thrower', 'contractor'].map((uid) => factory.ldapEntry({ uid })).join(''),
      mappings: ([ldapToManaged, managedToLdap]) => [
        {
          ...ldapToManaged,
          linkQualifiers: js(
            "returnAll ? ['default', 'contractor'] : (object.uid === 'contractor' ? ['contractor'] : ['default']);",
          ),
          policies: [
            ...ldapToManaged.policies,
            { situation: 'ABSENT', action: 'REPORT', condition: '/linkQualifier eq "contractor"' },
          ].sort((a, b) => (a.condition ? -1 : b.condition ? 1 : 0)),
          onCreate: js(
            "if (source.uid === 'thrower') throw new Error('thrower is refused'); if (source.uid === 'loopy') { while (true) {} }",
          ),
        },
        managedToLdap,
      ],
    });
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('runs each entry per qualifier, lets policy conditions see the qualifier, and counts failures', async () => {
    const run = await env.recon(LDAP_TO_MANAGED);
    expect(run.state).toBe('SUCCESS');
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ ABSENT: 5 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: 3, FAILURE: 2 });
    const users = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
    expect(users.body.result.map((u: { userName: string }) => u.userName)).toEqual(['bjensen', 'jdoe']);
    const failures = await env.t.admin(
      'get',
      `/openidm/recon/${run._id}/entries?_queryFilter=${encodeURIComponent('status eq "FAILURE"')}`,
    );
    const messages = failures.body.result.map((e: { message: string }) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/timed out/),
        expect.stringContaining('thrower is refused'),
      ]),
    );
    const contractor = await env.t.admin(
      'get',
      `/openidm/recon/${run._id}/entries?_queryFilter=${encodeURIComponent('linkQualifier eq "contractor"')}`,
    );
    expect(contractor.body.result).toEqual([
      expect.objectContaining({ situation: 'ABSENT', action: 'REPORT', status: 'SUCCESS' }),
    ]);
  });

  it('stores links with their qualifier and finds them CONFIRMED next time', async () => {
    const links = await env.t.sql<{ link_qualifier: string }>('SELECT link_qualifier FROM links');
    expect(links.map((l) => l.link_qualifier)).toEqual(['default', 'default']);
    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: 2, ABSENT: 3 });
  });
});
