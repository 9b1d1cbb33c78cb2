import { DomainError } from '../../../src/core/errors/domain-error';
import { applyPatch } from '../../../src/core/patch/patch.operation';
import type { JsonObject } from '../../../src/managed/managed-object';

const user = (): JsonObject => ({
  userName: 'jdoe',
  tags: ['a', 'b'],
  roles: [{ _ref: 'managed/role/1' }],
  address: { city: 'Paris' },
});

describe('applyPatch errors', () => {
  const failures: { name: string; patch: unknown[]; message: RegExp }[] = [
    { name: 'patching _id', patch: [{ operation: 'replace', field: '/_id', value: 'x' }], message: /_id/ },
    { name: 'moving _id away', patch: [{ operation: 'move', from: '/_id', field: '/x' }], message: /_id/ },
    {
      name: 'incrementing a string',
      patch: [{ operation: 'increment', field: '/userName', value: 1 }],
      message: /not a number/,
    },
    {
      name: 'incrementing a missing field',
      patch: [{ operation: 'increment', field: '/missing', value: 1 }],
      message: /does not exist/,
    },
    {
      name: 'incrementing an array with a non-number',
      patch: [{ operation: 'increment', field: '/tags', value: 1 }],
      message: /not a number/,
    },
    {
      name: 'adding below a scalar',
      patch: [{ operation: 'add', field: '/userName/x', value: 1 }],
      message: /\/userName is missing or not an object or array/,
    },
    {
      name: 'adding /- below a scalar',
      patch: [{ operation: 'add', field: '/userName/-', value: 1 }],
      message: /not an object or array/,
    },
    {
      name: 'adding beyond the end of an array',
      patch: [{ operation: 'add', field: '/tags/9', value: 'x' }],
      message: /out of range/,
    },
    {
      name: 'adding below a missing array element',
      patch: [{ operation: 'add', field: '/roles/5/_ref', value: 'x' }],
      message: /\/roles\/5 is missing/,
    },
    {
      name: 'moving a field into its own child',
      patch: [{ operation: 'move', from: '/address', field: '/address/copy' }],
      message: /own child/,
    },
  ];

  it.each(failures)('rejects $name with BAD_REQUEST and leaves the input alone', ({ patch, message }) => {
    const before = user();
    let caught: unknown;
    try {
      applyPatch(before, patch);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('BAD_REQUEST');
    expect((caught as DomainError).message).toMatch(message);
    expect(before).toEqual(user());
  });
});
