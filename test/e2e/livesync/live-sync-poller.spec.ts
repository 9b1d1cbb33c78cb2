/**
 * Continuous live sync (CONCORD_LIVESYNC_SOURCES) in a running Concord on PostgreSQL with a real slapd: the
 * token appears under repo/synchronisation/pooledSyncStage, and an ldapmodify reaches the change handler.
 */
import { LiveSyncChangeHandler, type LiveSyncChange } from '../../../src/livesync/live-sync-change.handler';
import { LiveSyncService } from '../../../src/livesync/live-sync.service';
import { eventually } from '../../integration/sync-queue/queue-fixture';
import type { TestConcord } from '../../support/concord-app';
import type { SlapdInstance } from '../../support/slapd';
import { deliveryProject, startDirectory, startWithProcessor } from '../sync-queue/delivery.fixture';

class RecordingHandler extends LiveSyncChangeHandler {
  readonly seen: string[] = [];
  notifyCreate(change: LiveSyncChange): Promise<void> {
    return this.note('create', change);
  }
  notifyUpdate(change: LiveSyncChange): Promise<void> {
    return this.note('update', change);
  }
  notifyDelete(change: LiveSyncChange): Promise<void> {
    return this.note('delete', change);
  }
  private note(kind: string, change: LiveSyncChange): Promise<void> {
    const mail = change.object?.mail;
    this.seen.push(`${kind} ${typeof mail === 'string' ? mail : change.id}`);
    return Promise.resolve();
  }
}

let slapd: SlapdInstance;
let t: TestConcord;
const handler = new RecordingHandler();

beforeAll(async () => {
  slapd = await startDirectory();
  ({ t } = await startWithProcessor(slapd, {
    projectDir: deliveryProject(),
    settings: { CONCORD_LIVESYNC_SOURCES: 'system/ldap/account', CONCORD_LIVESYNC_INTERVAL_MS: '200' },
  }));
  t.concord.app.get(LiveSyncService).use(handler);
});
afterAll(async () => {
  await t.destroy();
  await slapd.destroy();
});

it('polls system/ldap/account: records the token first, then hands over each LDAP change', async () => {
  let token = '';
  await eventually('the first token', async () => {
    const stage = await t.admin('get', '/openidm/repo/synchronisation/pooledSyncStage/SYSTEMLDAPACCOUNT');
    token = String(stage.body?.connectorData?.syncToken ?? '');
    return stage.status === 200 && token !== '';
  });
  expect(handler.seen).toEqual([]);

  await slapd.modify(
    'dn: uid=bjensen,ou=People,dc=example,dc=com\nchangetype: modify\nreplace: mail\nmail: babs@corp.example\n',
  );
  await eventually('the change to be handled', async () => handler.seen.length > 0, 10_000);
  expect(handler.seen).toEqual(['update babs@corp.example']);
  const stage = await t
    .admin('get', '/openidm/repo/synchronisation/pooledSyncStage/SYSTEMLDAPACCOUNT')
    .expect(200);
  expect(stage.body).toMatchObject({ _id: 'SYSTEMLDAPACCOUNT', connectorData: { nativeType: 'string' } });
  expect(String(stage.body.connectorData.syncToken) > token).toBe(true);

  await t.admin('get', '/openidm/repo/synchronisation/pooledSyncStage/SYSTEMLDAPGROUP').expect(404);
  const letters = await t
    .admin('get', '/openidm/repo/synchronisation/deadLetterQueue?_queryFilter=true')
    .expect(200);
  expect(letters.body.result).toEqual([]);
  await t.admin('get', '/openidm/repo/synchronisation/nothing?_queryFilter=true').expect(404);
});
