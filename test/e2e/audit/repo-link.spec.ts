import type { LinkKey } from '../../../src/core/sync/link';
import { LinkStore } from '../../../src/sync/ports/link.store';
import { startConcord, type RepoKind, type TestConcord } from '../../support/concord-app';
import { expectCrestError } from '../crest-expect';

const LDAP_TO_MANAGED = 'systemLdapAccounts_managedUser';
const OTHER = 'managedUser_systemLdapAccounts';
const LINK = '/openidm/repo/link';

function links(linkType: string, count: number): LinkKey[] {
  return Array.from({ length: count }, (_, i) => ({
    linkType,
    linkQualifier: 'default',
    firstId: `uid=user${i},ou=People,dc=example,dc=com`,
    secondId: `m-${i}`,
  }));
}

describe.each<RepoKind>(['postgres', 'embedded'])('repo/link over HTTP (%s repository)', (repo) => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo });
    await t.concord.app.get(LinkStore).createMany([...links(LDAP_TO_MANAGED, 25), ...links(OTHER, 2)]);
  });
  afterAll(async () => {
    await t.destroy();
  });

  function command(query: Record<string, string>) {
    return t.admin('post', LINK).query(query).send();
  }

  it('shows links as OpenIDM documents with _queryFilter', async () => {
    const res = await t
      .admin('get', LINK)
      .query({ _queryFilter: `linkType eq "${LDAP_TO_MANAGED}" and secondId eq "m-3"` });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual([
      {
        _id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        _rev: '0',
        linkType: LDAP_TO_MANAGED,
        linkQualifier: 'default',
        firstId: 'uid=user3,ou=People,dc=example,dc=com',
        secondId: 'm-3',
      },
    ]);
    const ids = await t.admin('get', LINK).query({ _queryId: 'query-all-ids' });
    expect(ids.body.result).toHaveLength(27);
    expect(Object.keys(ids.body.result[0]).sort()).toEqual(['_id', '_rev']);
  });

  it('delete-mapping-links removes every link of the mapping, and only those', async () => {
    const res = await command({
      _action: 'command',
      commandId: 'delete-mapping-links',
      mapping: LDAP_TO_MANAGED,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 25 });
    const left = await t.admin('get', LINK).query({ _queryFilter: 'true', _fields: 'linkType' });
    expect(left.body.result.map((l: { linkType: string }) => l.linkType)).toEqual([OTHER, OTHER]);
    const again = await command({
      _action: 'command',
      commandId: 'delete-mapping-links',
      mapping: LDAP_TO_MANAGED,
    });
    expect(again.body).toEqual({ deleted: 0 });
  });

  it.each([
    [
      'another repository command',
      { _action: 'command', commandId: 'purge-by-recon-ids-to-keep', mapping: OTHER },
      403,
    ],
    ['a command without commandId', { _action: 'command', mapping: OTHER }, 403],
    [
      'delete-mapping-links without a mapping',
      { _action: 'command', commandId: 'delete-mapping-links' },
      400,
    ],
    ['another action', { _action: 'create', commandId: 'delete-mapping-links', mapping: OTHER }, 400],
  ])('refuses %s', async (_, query, status) => {
    expectCrestError(await command(query), status);
    const left = await t.admin('get', LINK).query({ _queryFilter: `linkType eq "${OTHER}"` });
    expect(left.body.result).toHaveLength(2);
  });

  it('is for administrators only', async () => {
    const res = await t
      .call('post', LINK)
      .query({ _action: 'command', commandId: 'delete-mapping-links', mapping: OTHER })
      .send();
    expectCrestError(res, 401);
  });
});
