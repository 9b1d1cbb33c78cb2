import { activityEvent, liveSyncActivityEvent } from '../../../src/audit/activity-event';
import { ActivityWatch, changedTopLevel } from '../../../src/audit/activity-watch';
import { compileManagedSchema } from '../../../src/core/managed/managed-schema';

const schema = compileManagedSchema({
  name: 'user',
  schema: {
    properties: {
      userName: { type: 'string' },
      mail: { type: 'string' },
      password: { type: 'string', encryption: { key: 'openidm-sym-default' }, scope: 'private' },
      ssn: { type: 'string', encryption: { key: 'openidm-sym-default' } },
      pin: { type: 'string', scope: 'private' },
    },
  },
});

const sealed = (n: number) => ({ $crypto: { value: { data: `cipher-${n}` }, type: 'x-simple-encryption' } });
const stamp = {
  eventId: 'e-0',
  timestamp: '2026-11-30T10:00:00.000Z',
  userId: 'openidm-admin',
  transactionId: 't-1',
};

describe('activityEvent', () => {
  it('leaves out private and encrypted properties, but (without audit.json) names them when they changed', () => {
    const before = {
      id: 'u1',
      rev: 1,
      doc: { userName: 'ada', mail: 'a@x', password: sealed(1), ssn: sealed(2), pin: '1234' },
    };
    const after = {
      id: 'u1',
      rev: 2,
      doc: { userName: 'ada', mail: 'b@x', password: sealed(3), ssn: sealed(2), pin: '1234' },
    };

    const event = activityEvent(
      schema,
      { operation: 'PATCH', type: 'user', before, after },
      stamp,
      ActivityWatch.of(undefined),
    );

    expect(event).toEqual({
      _id: 'e-0',
      timestamp: stamp.timestamp,
      eventName: 'activity',
      transactionId: 't-1',
      userId: 'openidm-admin',
      runAs: 'openidm-admin',
      operation: 'PATCH',
      objectId: 'managed/user/u1',
      revision: '2',
      before: { userName: 'ada', mail: 'a@x' },
      after: { userName: 'ada', mail: 'b@x' },
      changedFields: ['/mail', '/password'],
      passwordChanged: true,
      message: '',
      status: 'SUCCESS',
    });
  });

  it.each([
    ['CREATE', null, { id: 'u2', rev: 1, doc: { userName: 'bo' } }, 'managed/user/u2', '1'],
    ['DELETE', { id: 'u3', rev: 4, doc: { userName: 'cy' } }, null, 'managed/user/u3', '4'],
  ] as const)('%s names the object and its revision', (operation, before, after, objectId, revision) => {
    const event = activityEvent(
      schema,
      { operation, type: 'user', before, after },
      stamp,
      ActivityWatch.of(undefined),
    );
    expect(event).toMatchObject({
      operation,
      objectId,
      revision,
      before: before?.doc ?? null,
      after: after?.doc ?? null,
    });
  });
});

describe('changedTopLevel', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, []],
    [{ a: 1 }, { a: 2 }, ['a']],
    [{ a: 1 }, {}, ['a']],
    [{}, { b: [1] }, ['b']],
    [{ n: { x: 1, y: 2 } }, { n: { y: 2, x: 1 } }, []],
    [{ z: 1, a: 1 }, { z: 2, a: 2 }, ['a', 'z']],
    [{ m: 1, c: 1, x: 1 }, { c: 2, b: 1, zz: 1, a: 1, m: 1, B: 0 }, ['B', 'a', 'b', 'c', 'x', 'zz']],
  ])('%j → %j gives %j', (before, after, expected) => {
    expect(changedTopLevel(before, after)).toEqual(expected);
  });

  it('lists a hundred changed names in order, whatever order the object holds them in', () => {
    const names = Array.from({ length: 100 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const after = Object.fromEntries([...names].reverse().map((name) => [name, 1]));
    expect(changedTopLevel({}, after)).toEqual(names);
  });
});

describe('ActivityWatch: what changedFields and passwordChanged say (audit.json eventTopics.activity)', () => {
  const secrets = new Set(['password']);
  const before = { mail: 'a@x', sn: 'Lovelace', address: { city: 'London', zip: 'N1' }, password: sealed(1) };
  const after = { mail: 'b@x', sn: 'Lovelace', address: { city: 'Paris', zip: 'N1' }, password: sealed(2) };
  const mailOnly = { ...before, mail: 'b@x' };

  it.each([
    [
      'no audit.json: every changed property, secrets as passwords',
      undefined,
      after,
      ['/address', '/mail', '/password'],
      true,
    ],
    ['no audit.json, password unchanged', undefined, mailOnly, ['/mail'], false],
    ['audit.json without watchedFields: nothing watched (OpenIDM)', {}, after, [], false],
    [
      'passwordFields only',
      { eventTopics: { activity: { passwordFields: ['password'] } } },
      after,
      ['/password'],
      true,
    ],
    [
      'watched names and nested pointers',
      { eventTopics: { activity: { watchedFields: ['mail', '/address/city', '/address/zip', 'sn'] } } },
      after,
      ['/address/city', '/mail'],
      false,
    ],
    [
      '"*" watches every property',
      { eventTopics: { activity: { watchedFields: ['*'] } } },
      mailOnly,
      ['/mail'],
      false,
    ],
    [
      '"*" with password fields',
      { eventTopics: { activity: { watchedFields: ['*'], passwordFields: ['/password'] } } },
      after,
      ['/address', '/mail', '/password'],
      true,
    ],
  ] as const)('%s', (_, config, changed, changedFields, passwordChanged) => {
    const watch = ActivityWatch.of(config);
    expect(watch.changes(before, changed, secrets)).toEqual({ changedFields, passwordChanged });
  });

  it("names a deleted or created object's watched fields as changed", () => {
    const watch = ActivityWatch.of({ eventTopics: { activity: { watchedFields: ['mail'] } } });
    expect(watch.changes({}, { mail: 'c@x' }, secrets)).toEqual({
      changedFields: ['/mail'],
      passwordChanged: false,
    });
    expect(watch.changes({ mail: 'c@x' }, {}, secrets)).toEqual({
      changedFields: ['/mail'],
      passwordChanged: false,
    });
  });
});

describe("liveSyncActivityEvent: what OpenIDM's provisioner logs for each live-sync change", () => {
  const entry = { _id: 'e1', uid: 'lsnew', mail: 'lsnew@example.com' };

  it.each([
    ['CREATE', entry, 'sync-create'],
    ['UPDATE', entry, 'sync-update'],
    ['DELETE', null, 'sync-delete'],
  ] as const)('%s → an ACTION on sync with the message %s', (type, object, message) => {
    expect(liveSyncActivityEvent({ type, object }, stamp)).toEqual({
      _id: 'e-0',
      timestamp: stamp.timestamp,
      eventName: 'activity',
      transactionId: 't-1',
      userId: 'openidm-admin',
      runAs: 'openidm-admin',
      operation: 'ACTION',
      objectId: 'sync',
      revision: null,
      before: object,
      after: object,
      changedFields: [],
      passwordChanged: false,
      message,
      status: 'SUCCESS',
    });
  });
});
