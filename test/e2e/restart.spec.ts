import { dropSchema, startConcord, tempProjectDir, type RepoKind } from '../support/concord-app';
import { factory } from '../support/factory';
import type { Resource } from './crest-expect';
import { rmSync } from 'node:fs';

const USERS = '/openidm/managed/user';

describe.each<RepoKind>(['postgres', 'embedded'])('objects survive a restart (%s repository)', (repo) => {
  it('reads back what was written before the app was closed, and passwords still work', async () => {
    const projectDir = tempProjectDir();
    const first = await startConcord({ repo, projectDir });
    const schema = first.schema;
    try {
      const users = [
        factory.managedUser({ password: 'restart-pw' }),
        factory.managedUser(),
        factory.managedUser(),
      ];
      const created: Resource[] = [];
      for (const user of users) {
        const res = await first.admin('post', `${USERS}?_action=create`).send(user);
        expect(res.status).toBe(201);
        created.push(res.body as Resource);
      }
      const patched = await first
        .admin('patch', `${USERS}/${created[1]?._id}`)
        .send([{ operation: 'replace', field: '/description', value: 'patched before restart' }]);
      expect(patched.status).toBe(200);
      created[1] = patched.body as Resource;
      await first.stop();

      const second = await startConcord({ repo, projectDir, schema });
      try {
        for (const object of created) {
          const read = await second.admin('get', `${USERS}/${object._id}`);
          expect(read.status).toBe(200);
          expect(read.body).toEqual(object);
        }
        const all = await second.admin('get', USERS).query({ _queryId: 'query-all-ids' });
        expect(all.body.resultCount).toBe(created.length);
        const login = await second
          .call('get', `${USERS}/${created[0]?._id}`)
          .auth(users[0]?.userName ?? '', 'restart-pw');
        expect(login.status).toBe(200);
        const duplicate = await second
          .admin('post', `${USERS}?_action=create`)
          .send(factory.managedUser({ userName: users[2]?.userName }));
        expect(duplicate.status).toBe(403);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      if (schema !== undefined) await dropSchema(schema);
      rmSync(projectDir, { recursive: true, force: true });
    }
  });
});
