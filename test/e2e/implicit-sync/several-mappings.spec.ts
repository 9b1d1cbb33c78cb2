/**
 * Implicit sync through two mappings whose source is managed/user (§5.1: every such mapping, in sync.json order),
 * without LDAP: each keeps its own links, so a user's second edit updates the two roles the first one created
 * instead of creating two more, and a delete removes both. The first mapping's link is read with the managed
 * write itself (ImplicitSyncProcessor.companionOf); the second reads its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type RepoKind, type TestConcord } from '../../support/concord-app';

/** SOURCE_MISSING's default is EXCEPTION (§2): these mappings delete the role with its user, as the sample does. */
const policies = [{ situation: 'SOURCE_MISSING', action: 'DELETE' }];
const SYNC = {
  mappings: [
    {
      name: 'userRole',
      source: 'managed/user',
      target: 'managed/role',
      policies,
      properties: [
        { source: 'userName', target: 'name' },
        { source: 'description', target: 'description' },
      ],
    },
    {
      name: 'userShadowRole',
      source: 'managed/user',
      target: 'managed/role',
      policies,
      properties: [
        {
          source: 'userName',
          target: 'name',
          transform: { type: 'text/javascript', source: "'shadow-' + source" },
        },
        { source: 'description', target: 'description' },
      ],
    },
  ],
};

describe.each<RepoKind>(['postgres', 'embedded'])('two mappings from managed/user on %s', (repo) => {
  let t: TestConcord;

  beforeAll(async () => {
    const projectDir = tempProjectDir();
    writeFileSync(join(projectDir, 'config', 'sync.json'), JSON.stringify(SYNC));
    t = await startConcord({ repo, projectDir });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const user = (description: string) => ({
    userName: 'ina',
    givenName: 'Ina',
    sn: 'Twice',
    mail: 'ina@example.com',
    description,
  });
  const roles = async (): Promise<{ name: string; description?: string }[]> => {
    const res = await t
      .admin('get', '/openidm/managed/role?_queryFilter=true&_fields=name,description')
      .expect(200);
    const result = res.body.result as { name: string; description?: string }[];
    return result
      .map(({ name, description }) => ({ name, description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  };

  it('creates a role through each mapping', async () => {
    await t.admin('put', '/openidm/managed/user/ina').send(user('first')).expect(201);
    expect(await roles()).toEqual([
      { name: 'ina', description: 'first' },
      { name: 'shadow-ina', description: 'first' },
    ]);
  });

  it('updates both roles on the next edits, creating none', async () => {
    await t.admin('put', '/openidm/managed/user/ina').send(user('second')).expect(200);
    await t
      .admin('patch', '/openidm/managed/user/ina')
      .send([{ operation: 'replace', field: '/description', value: 'third' }])
      .expect(200);
    expect(await roles()).toEqual([
      { name: 'ina', description: 'third' },
      { name: 'shadow-ina', description: 'third' },
    ]);
    const links = await t.admin('get', '/openidm/repo/link?_queryFilter=true').expect(200);
    const types = (links.body.result as { linkType: string }[]).map((link) => link.linkType).sort();
    expect(types).toEqual(['userRole', 'userShadowRole']);
  });

  it('deletes both roles with the user, and their links', async () => {
    await t.admin('delete', '/openidm/managed/user/ina').expect(200);
    expect(await roles()).toEqual([]);
    const links = await t.admin('get', '/openidm/repo/link?_queryFilter=true').expect(200);
    expect(links.body.result).toEqual([]);
  });
});
