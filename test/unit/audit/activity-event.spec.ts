import { activityEvent, changedFields } from '../../../src/audit/activity-event';
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
  it('leaves out private and encrypted properties, but names them when they changed', () => {
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

    const event = activityEvent(schema, { operation: 'PATCH', type: 'user', before, after }, stamp);

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
    const event = activityEvent(schema, { operation, type: 'user', before, after }, stamp);
    expect(event).toMatchObject({
      operation,
      objectId,
      revision,
      before: before?.doc ?? null,
      after: after?.doc ?? null,
    });
  });
});

describe('changedFields', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, []],
    [{ a: 1 }, { a: 2 }, ['a']],
    [{ a: 1 }, {}, ['a']],
    [{}, { b: [1] }, ['b']],
    [{ n: { x: 1, y: 2 } }, { n: { y: 2, x: 1 } }, []],
    [{ z: 1, a: 1 }, { z: 2, a: 2 }, ['a', 'z']],
  ])('%j → %j gives %j', (before, after, expected) => {
    expect(changedFields(before, after)).toEqual(expected);
  });
});
