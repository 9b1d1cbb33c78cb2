/**
 * planUpdate with a basis: an update planned from an object read earlier (a queued change's basis, live sync's
 * entry) changes what the caller changed and leaves the rest as the entry has it now, edits made since included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from 'ldapts';
import { planUpdate } from '../../../src/connectors/ldap/ldap-write';
import { compileProvisioner } from '../../../src/connectors/ldap/provisioner.schema';

const account = compileProvisioner(
  JSON.parse(
    readFileSync(
      join(__dirname, '../../../samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json'),
      'utf8',
    ),
  ),
).objectTypes.get('account')!;

const DN = 'uid=bjensen,ou=People,dc=example,dc=com';
const entry = (values: Record<string, string>): Entry => ({
  dn: DN,
  ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]])),
});
const changed = (plan: ReturnType<typeof planUpdate>) =>
  plan.changes.map((change) => {
    const modification = change.modification;
    return `${change.operation} ${modification.type} ${modification.values.join(',')}`;
  });

const basis = { uid: 'bjensen', cn: 'Barbara Jensen', sn: 'Jensen', mail: 'old@example.com' };
const now = entry({ uid: 'bjensen', cn: 'Barbara Jensen', sn: 'Jensen', mail: 'new@example.com' });

it('writes what differs from the basis, not what differs only from the entry as it is now', () => {
  const wanted = { ...basis, cn: 'Babs Jensen' };
  expect(changed(planUpdate(account, now, wanted, [basis]))).toEqual(['replace cn Babs Jensen']);
});

it('without a basis, replaces every property that differs from the entry (as before)', () => {
  const wanted = { ...basis, cn: 'Babs Jensen' };
  expect(changed(planUpdate(account, now, wanted))).toEqual([
    'replace cn Babs Jensen',
    'replace mail old@example.com',
  ]);
});

it('compares against the entry for a property the basis does not hold (it was not read)', () => {
  const { mail: _unread, ...partial } = basis;
  expect(changed(planUpdate(account, now, { ...basis }, [partial]))).toEqual([
    'replace mail old@example.com',
  ]);
});
