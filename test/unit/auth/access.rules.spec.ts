import { decideAccess, type AccessRequest } from '../../../src/auth/access.rules';
import { SELF_SERVICE_PROTECTED_FIELDS } from '../../../src/auth/auth.settings';
import type { Principal } from '../../../src/auth/principal';

const admin: Principal = { userName: 'openidm-admin', roles: ['openidm-admin'] };
const alice: Principal = { userName: 'alice', roles: ['openidm-authorized'], managedUserId: 'a-1' };
const internalAuthorized: Principal = { userName: 'svc', roles: ['openidm-authorized'] };
const registrar: Principal = { userName: 'anonymous', roles: ['openidm-reg'] };

const req = (method: string, path: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({
  method,
  path,
  action: undefined,
  body: undefined,
  ...extra,
});

describe('decideAccess', () => {
  it.each<[string, Principal, AccessRequest, boolean]>([
    ['admin reads a collection', admin, req('GET', '/openidm/managed/user'), true],
    ['admin deletes anyone', admin, req('DELETE', '/openidm/managed/user/b-2'), true],
    ['admin reads metrics', admin, req('GET', '/metrics'), true],
    ['admin reaches a malformed path (routing answers)', admin, req('GET', '/openidm/%E0%A4%A'), true],
    ['self: read own record', alice, req('GET', '/openidm/managed/user/a-1'), true],
    ['self: patch own record', alice, req('PATCH', '/openidm/managed/user/a-1'), true],
    ['self: POST _action=patch', alice, req('POST', '/openidm/managed/user/a-1', { action: 'patch' }), true],
    [
      'self: fixed path parts are case-insensitive like express',
      alice,
      req('GET', '/OpenIDM/Managed/User/a-1'),
      true,
    ],
    ['self: percent-encoded own id', alice, req('GET', '/openidm/managed/user/a%2D1'), true],
    ['self: id is case-sensitive', alice, req('GET', '/openidm/managed/user/A-1'), false],
    [
      'self: POST with another action',
      alice,
      req('POST', '/openidm/managed/user/a-1', { action: 'create' }),
      false,
    ],
    [
      'self: POST with repeated _action',
      alice,
      req('POST', '/openidm/managed/user/a-1', { action: ['patch', 'patch'] }),
      false,
    ],
    ['self: POST without action', alice, req('POST', '/openidm/managed/user/a-1'), false],
    ['self: GET with an action', alice, req('GET', '/openidm/managed/user/a-1', { action: 'patch' }), false],
    ['self: PUT own record', alice, req('PUT', '/openidm/managed/user/a-1'), false],
    ['self: DELETE own record', alice, req('DELETE', '/openidm/managed/user/a-1'), false],
    ['self: another record', alice, req('GET', '/openidm/managed/user/b-2'), false],
    ['self: own id as a prefix', alice, req('GET', '/openidm/managed/user/a-10'), false],
    ['self: sub-path of own record', alice, req('GET', '/openidm/managed/user/a-1/roles'), false],
    ['self: trailing slash', alice, req('GET', '/openidm/managed/user/a-1/'), false],
    ['self: encoded slash to escape', alice, req('GET', '/openidm/managed/user/a-1%2F..%2Fb-2'), false],
    ['self: dot segments', alice, req('GET', '/openidm/managed/user/x/../a-1'), false],
    ['self: other managed type', alice, req('GET', '/openidm/managed/role/a-1'), false],
    ['self: query users', alice, req('GET', '/openidm/managed/user'), false],
    ['self: bad percent-encoding', alice, req('GET', '/openidm/managed/user/%E0%A4%A'), false],
    ['self: login info', alice, req('GET', '/openidm/info/login'), true],
    ['self: login info by POST', alice, req('POST', '/openidm/info/login'), false],
    ['self: metrics', alice, req('GET', '/metrics'), false],
    [
      'authorized without managed record: own-record rule does not apply',
      internalAuthorized,
      req('GET', '/openidm/managed/user/svc'),
      false,
    ],
    [
      'authorized without managed record: login info',
      internalAuthorized,
      req('GET', '/openidm/info/login'),
      true,
    ],
    ['other role: login info', registrar, req('GET', '/openidm/info/login'), true],
    ['other role: anything else', registrar, req('GET', '/openidm/managed/user'), false],
  ])('%s -> %s', (_case, principal, request, allowed) => {
    expect(decideAccess(principal, request, SELF_SERVICE_PROTECTED_FIELDS).allowed).toBe(allowed);
  });

  const patch = (body: unknown) => req('PATCH', '/openidm/managed/user/a-1', { body });

  it.each<[string, unknown, boolean]>([
    ['editable property', [{ operation: 'replace', field: '/mail', value: 'a@x' }], true],
    ['editable, pointer without slash', [{ operation: 'replace', field: 'mail', value: 'a@x' }], true],
    ['nested editable property', [{ operation: 'replace', field: '/address/city', value: 'Oslo' }], true],
    ['password change', [{ operation: 'replace', field: '/password', value: 'n3w' }], true],
    ['accountStatus', [{ operation: 'replace', field: '/accountStatus', value: 'active' }], false],
    ['authzRoles append', [{ operation: 'add', field: '/authzRoles/-', value: {} }], false],
    ['roles without slash', [{ operation: 'add', field: 'roles', value: [] }], false],
    ['_id', [{ operation: 'replace', field: '/_id', value: 'b-2' }], false],
    ['whole object', [{ operation: 'replace', field: '/', value: {} }], false],
    ['empty pointer', [{ operation: 'replace', field: '', value: {} }], false],
    [
      'escaped pointer to a protected name',
      [{ operation: 'replace', field: '/account~0Status', value: 1 }],
      true,
    ],
    [
      'one bad operation among good ones',
      [
        { operation: 'replace', field: '/mail', value: 'a' },
        { operation: 'remove', field: '/manager' },
      ],
      false,
    ],
    [
      'move out of a protected property',
      [{ operation: 'move', from: '/roles', field: '/description' }],
      false,
    ],
    ['copy from a protected property', [{ operation: 'copy', from: '/roles', field: '/description' }], true],
    ['not an array (the patch handler answers 400)', { field: '/accountStatus' }, true],
  ])('self-service patch: %s -> %s', (_case, body, allowed) => {
    expect(decideAccess(alice, patch(body), SELF_SERVICE_PROTECTED_FIELDS).allowed).toBe(allowed);
  });

  it('uses the configured protected fields instead of the defaults', () => {
    const body = [{ operation: 'replace', field: '/mail', value: 'a@x' }];
    expect(decideAccess(alice, patch(body), ['mail']).allowed).toBe(false);
    expect(
      decideAccess(alice, patch([{ operation: 'replace', field: '/accountStatus', value: 'x' }]), ['mail'])
        .allowed,
    ).toBe(true);
  });
});
