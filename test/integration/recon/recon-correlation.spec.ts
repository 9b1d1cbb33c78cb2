import {
  LDAP_TO_MANAGED,
  MANAGED_TO_LDAP,
  startReconTest,
  type ReconTestEnv,
} from '../../e2e/recon/recon-sample.fixture';

const byUid = {
  type: 'text/javascript',
  source: "({ _queryFilter: 'userName eq \"' + source.uid + '\"' });",
};

/** Correlation, the reverse direction, reconById and the sync actions, against real slapd and PostgreSQL. */
describe('recon: correlation and both directions', () => {
  let env: ReconTestEnv;

  beforeAll(async () => {
    env = await startReconTest({
      mappings: ([ldapToManaged, managedToLdap]) => [
        { ...ldapToManaged, correlationQuery: byUid },
        managedToLdap,
      ],
    });
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('links a managed user that already exists (FOUND → UPDATE) instead of creating a duplicate', async () => {
    const made = await env.t.admin('post', '/openidm/managed/user?_action=create').send({
      userName: 'bjensen',
      givenName: 'Barbara',
      sn: 'Jensen',
      mail: 'old@example.com',
    });
    expect(made.status).toBe(201);
    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ FOUND: 1, ABSENT: 1 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: 2, FAILURE: 0 });
    const bjensen = await env.t.admin('get', `/openidm/managed/user/${made.body._id}`);
    expect(bjensen.body).toMatchObject({ mail: 'bjensen@example.com', displayName: 'Barbara Jensen' });
    const all = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true');
    expect(all.body.resultCount).toBe(2);
    const links = await env.t.sql('SELECT * FROM links');
    expect(links).toHaveLength(2);
  });

  it('a new managed user reaches LDAP through the reverse mapping (implicit sync on create; onCreate sets the dn), and recon then confirms it', async () => {
    const fdoe = await env.t.admin('post', '/openidm/managed/user?_action=create').send({
      userName: 'fdoe',
      givenName: 'Fred',
      sn: 'Doe',
      mail: 'fdoe@example.com',
      displayName: 'Fred Doe',
    });
    // Implicit sync created and linked uid=fdoe before the create returned, so the recon finds it linked.
    const run = await env.recon(MANAGED_TO_LDAP);
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: 3, ABSENT: 0 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: 3, FAILURE: 0 });
    const ldif = await env.slapd.search('ou=People,dc=example,dc=com', '(uid=fdoe)', ['cn', 'mail']);
    expect(ldif).toContain('dn: uid=fdoe,ou=People,dc=example,dc=com');
    expect(ldif).toContain('cn: Fred Doe');
    const linked = await env.t.admin(
      'post',
      `/openidm/sync?_action=getLinkedResources&resourceName=managed/user/${fdoe.body._id}`,
    );
    expect(linked.status).toBe(200);
    expect(linked.body).toHaveLength(1);
    expect(linked.body[0]).toMatchObject({
      linkQualifier: 'default',
      linkType: LDAP_TO_MANAGED,
      content: { uid: 'fdoe', dn: 'uid=fdoe,ou=People,dc=example,dc=com' },
    });
    expect(linked.body[0].resourceName).toMatch(/^system\/ldap\/account\//);
  });

  it('reconById reconciles one source object without a target phase', async () => {
    await env.slapd.modify(
      'dn: uid=jdoe,ou=People,dc=example,dc=com\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: 555\n',
    );
    const search = await env.t.admin(
      'get',
      `/openidm/system/ldap/account?_queryFilter=${encodeURIComponent('uid eq "jdoe"')}`,
    );
    const ldapId = search.body.result[0]._id as string;
    const res = await env.t
      .admin(
        'post',
        `/openidm/recon?_action=reconById&mapping=${LDAP_TO_MANAGED}&id=${ldapId}&waitForCompletion=true`,
      )
      .send({});
    expect(res.status).toBe(200);
    const summary = await env.summary(res.body._id);
    expect(summary['parameters']).toMatchObject({ sourceIds: [ldapId] });
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: 1 });
    expect(summary['progress']).toMatchObject({ target: { existing: { total: '?' } } });
    const jdoe = await env.t.admin(
      'get',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName eq "jdoe"')}`,
    );
    expect(jdoe.body.result[0].telephoneNumber).toBe('555');
  });

  it('performAction UNLINK then LINK re-links a source to a chosen target', async () => {
    const search = await env.t.admin(
      'get',
      `/openidm/system/ldap/account?_queryFilter=${encodeURIComponent('uid eq "jdoe"')}`,
    );
    const ldapId = search.body.result[0]._id as string;
    const managed = await env.t.admin(
      'get',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName eq "jdoe"')}`,
    );
    const managedId = managed.body.result[0]._id as string;
    const unlink = await env.t.admin(
      'post',
      `/openidm/sync?_action=performAction&mapping=${LDAP_TO_MANAGED}&sourceId=${ldapId}&action=UNLINK`,
    );
    expect(unlink.status).toBe(200);
    expect(unlink.body).toEqual({ status: 'OK' });
    expect(await env.t.sql('SELECT * FROM links WHERE second_id = $1', [managedId])).toHaveLength(0);
    const wrong = await env.t.admin(
      'post',
      `/openidm/sync?_action=performAction&mapping=${LDAP_TO_MANAGED}&sourceId=${ldapId}&targetId=${managedId}&situation=CONFIRMED&action=LINK`,
    );
    expect(wrong.status).toBe(409);
    const link = await env.t.admin(
      'post',
      `/openidm/sync?_action=performAction&mapping=${LDAP_TO_MANAGED}&sourceId=${ldapId}&targetId=${managedId}&linkQualifier=default&action=LINK`,
    );
    expect(link.body).toEqual({ status: 'OK' });
    expect(await env.t.sql('SELECT * FROM links WHERE second_id = $1', [managedId])).toHaveLength(1);
  });

  it('answers the CREST errors of §4.2', async () => {
    const unknown = await env.t.admin('post', '/openidm/recon?_action=recon&mapping=nope');
    expect(unknown.status).toBe(409);
    expect(unknown.body.message).toContain('No such mapping: nope');
    expect((await env.t.admin('post', '/openidm/recon?_action=recon')).status).toBe(400);
    expect(
      (await env.t.admin('post', `/openidm/recon?_action=reconByQuery&mapping=${LDAP_TO_MANAGED}`)).status,
    ).toBe(400);
    const missing = await env.t.admin('get', '/openidm/recon/no-such-run');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Reconciliation with id no-such-run not found.');
    expect((await env.t.admin('post', '/openidm/recon/no-such-run?_action=cancel')).status).toBe(404);
  });
});
