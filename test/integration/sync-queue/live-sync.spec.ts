/**
 * Live sync against a real slapd (cn=accesslog) and PostgreSQL: token handling as OpenIDM does it, changes in
 * order, Concord's own writes filtered out, and each `syncFailureHandler` mode.
 */
import { ManagedBulkService } from '../../../src/managed/managed-bulk.service';
import { RandomUuidGenerator } from '../../../src/managed/id-generator';
import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { LiveSyncChangeHandler, type LiveSyncChange } from '../../../src/livesync/live-sync-change.handler';
import { LiveSyncService } from '../../../src/livesync/live-sync.service';
import { SyncFailureActions, SyncFailurePolicies } from '../../../src/livesync/sync-failure.actions';
import { parseSyncFailurePolicy } from '../../../src/livesync/sync-failure.policy';
import {
  ScriptProjectDir,
  SandboxSyncFailureScript,
} from '../../../src/livesync/sync-failure.sandbox-script';
import { AdvisorySourceLock } from '../../../src/persistence/advisory-source.lock';
import { ManagedObjectRepository } from '../../../src/persistence/managed-object.repository';
import { SynchronisationRepository } from '../../../src/persistence/synchronisation.repository';
import { describeConnector } from '../../../src/system/connector-descriptor';
import { ConnectorRegistry } from '../../../src/system/connector-registry';
import { ObjectSets } from '../../../src/sync/object-sets';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { connectorFor, sampleProvisioner } from '../ldap/ldap-fixture';
import { openTestDatabase, type TestDatabase } from '../sync-persistence/test-database';
import { queueRig } from './queue-fixture';

const SOURCE = 'system/ldap/account';
const PEOPLE = 'ou=People,dc=example,dc=com';

class RecordingHandler extends LiveSyncChangeHandler {
  readonly seen: string[] = [];
  failing = new Set<string>();
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
    const uid = typeof change.object?.uid === 'string' ? change.object.uid : change.id;
    if (this.failing.has(uid)) return Promise.reject(new Error(`cannot handle ${uid}`));
    this.seen.push(`${kind} ${uid}`);
    return Promise.resolve();
  }
}

let slapd: SlapdInstance;
let ldap: LdapConnector;
let handle: TestDatabase;
let registry: ConnectorRegistry;
let stages: SynchronisationRepository;
let handler: RecordingHandler;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  ldap = connectorFor(slapd, {
    configure: (raw) => (raw.configurationProperties.modifiersNamesToFilterOut = [slapd.serviceDn]),
  });
  registry = new ConnectorRegistry([
    { descriptor: describeConnector('provisioner.openicf/ldap', sampleProvisioner()), connector: ldap },
  ]);
  handle = await openTestDatabase('postgres');
  stages = new SynchronisationRepository(handle.db);
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
  await handle.destroy();
});

function liveSync(syncFailureHandler?: unknown): LiveSyncService {
  const rig = queueRig(handle.db);
  const store = new ManagedObjectRepository(handle.db);
  const sets = new ObjectSets(
    rig.managed,
    registry,
    new ManagedBulkService(store, rig.types, rig.crypto, new RandomUuidGenerator()),
  );
  const policies = new SyncFailurePolicies(
    new Map([['ldap', parseSyncFailurePolicy('provisioner.openicf-ldap.json', syncFailureHandler)]]),
  );
  const script = new SandboxSyncFailureScript(new ScriptProjectDir(__dirname), sets, rig.crypto);
  const service = new LiveSyncService(
    registry,
    stages,
    new AdvisorySourceLock(handle.db),
    new SyncFailureActions(policies, stages, script),
  );
  handler = new RecordingHandler();
  service.use(handler);
  return service;
}

const tokenOf = (stage: { readonly [key: string]: unknown }): string =>
  (stage.connectorData as { syncToken: string }).syncToken;

const add = (uid: string) => slapd.add(factory.ldapEntry({ uid }));

describe('live sync of system/ldap/account', () => {
  it('first records only the latest token, then hands over every change in order but not its own writes', async () => {
    const service = liveSync();
    const first = await service.liveSync(SOURCE);
    expect(first).toEqual({
      _id: 'SYSTEMLDAPACCOUNT',
      _rev: '1',
      connectorData: { nativeType: 'string', syncToken: expect.stringMatching(/^\d{14}\.\d{6}Z$/) },
    });
    expect(handler.seen).toEqual([]);

    await add('alice');
    await slapd.modify(
      `dn: uid=alice,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: alice@corp.example\n`,
    );
    await slapd.modify(`dn: uid=alice,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=alice2\ndeleteoldrdn: 1\n`);
    await slapd.modify(`dn: uid=bjensen,${PEOPLE}\nchangetype: delete\n`);
    // Written by Concord's own bind DN: filtered out (modifiersNamesToFilterOut), never replayed.
    await ldap.create('account', {
      dn: `uid=byconcord,${PEOPLE}`,
      uid: 'byconcord',
      cn: 'By Concord',
      sn: 'C',
    });

    const second = await service.liveSync(SOURCE);
    expect(handler.seen).toEqual([
      'create alice2',
      'update alice2',
      'update alice2',
      expect.stringMatching(/^delete /),
    ]);
    expect(second.connectorData).toEqual({ nativeType: 'string', syncToken: expect.any(String) });
    // reqStart tokens are generalized times: a later token sorts after an earlier one.
    expect(tokenOf(second) > tokenOf(first)).toBe(true);
    expect(await service.readStage(SOURCE)).toEqual(second);

    const third = await service.liveSync(SOURCE);
    expect(handler.seen).toHaveLength(4);
    expect(third.connectorData).toEqual(second.connectorData);
  });

  it('without a syncFailureHandler stops at a failing change and retries it on every run until it passes', async () => {
    const service = liveSync();
    await service.liveSync(SOURCE);
    handler.failing.add('poison1');
    for (const uid of ['ok1', 'poison1', 'after1']) await add(uid);

    const stopped = await service.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create ok1']);
    expect(stopped.lastException).toMatchObject({ throwable: 'cannot handle poison1' });
    await service.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create ok1']);

    handler.failing.clear();
    const done = await service.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create ok1', 'create poison1', 'create after1']);
    expect(done.lastException).toBeUndefined();
  });

  it('with maxRetries 1 and logged-ignore gives up on a change after its second failure and goes on', async () => {
    const service = liveSync({ maxRetries: 1, postRetryAction: 'logged-ignore' });
    await service.liveSync(SOURCE);
    handler.failing.add('poison2');
    for (const uid of ['poison2', 'after2']) await add(uid);
    await service.liveSync(SOURCE);
    expect(handler.seen).toEqual([]);
    await service.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create after2']);
  });

  it('with dead-letter-queue stores the failed change under repo/synchronisation/deadLetterQueue/<system>/<token>', async () => {
    const service = liveSync({ maxRetries: 0, postRetryAction: 'dead-letter-queue' });
    await service.liveSync(SOURCE);
    handler.failing.add('poison3');
    for (const uid of ['poison3', 'after3']) await add(uid);
    await service.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create after3']);
    const letters = await stages.query('deadLetterQueue', {
      filter: { type: 'comparison', operator: 'eq', field: ['failureCause'], value: 'cannot handle poison3' },
      idsOnly: false,
      fields: [],
      pageSize: 0,
      pagedResultsOffset: 0,
      sortKeys: [],
      totalPagedResultsPolicy: 'NONE',
    });
    expect(letters.objects).toHaveLength(1);
    const [letter] = letters.objects;
    expect(letter!.id).toBe(`ldap/${letter!.doc.token as string}`);
    expect(letter!.doc).toMatchObject({
      systemIdentifier: 'ldap',
      objectType: 'account',
      uid: expect.any(String),
    });
    expect(letter!.doc.failedRecord as string).toContain('poison3');
  });

  it('with a script runs it with syncFailure in scope; a script that throws keeps the change for the next run', async () => {
    const throwing = liveSync({
      maxRetries: 0,
      postRetryAction: {
        script: {
          type: 'text/javascript',
          source: "throw new Error('kept ' + syncFailure.systemIdentifier)",
        },
      },
    });
    await throwing.liveSync(SOURCE);
    handler.failing.add('poison4');
    await add('poison4');
    const kept = await throwing.liveSync(SOURCE);
    expect(kept.lastException).toMatchObject({ throwable: 'cannot handle poison4' });

    const accepting = liveSync({
      maxRetries: 0,
      postRetryAction: {
        script: { type: 'text/javascript', source: "failureCause.indexOf('poison4') >= 0" },
      },
    });
    handler.failing.add('poison4');
    await add('after4');
    const moved = await accepting.liveSync(SOURCE);
    expect(handler.seen).toEqual(['create after4']);
    expect(moved.lastException).toBeUndefined();
  });
});
