/**
 * Live sync under concurrent writers, on real slapd: OpenLDAP names an accesslog entry by its request's start
 * time but writes it when the request is done, so entries appear out of that order. Read while 50 connections
 * write, every change must still come out once — none stepped over, none twice (accesslog-window.ts). A token
 * that was only the newest reqStart handled lost 15–30 of these 1,500 changes per run.
 */
import { Attribute, Change, Client } from 'ldapts';
import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { ROOT_DN, ROOT_PASSWORD, type SlapdInstance, startSlapd } from '../../support/slapd';
import { connectorFor } from './ldap-fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const WRITERS = 50;
const ROUNDS = 30;

let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  const entries = Array.from(
    { length: WRITERS },
    (_, i) => `dn: uid=w${i},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: w${i}\ncn: Writer ${i}\nsn: W${i}\n`,
  );
  slapd = await startSlapd({
    ldif: [`dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: People\n`, ...entries].join('\n'),
  });
  ldap = connectorFor(slapd);
});

afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

async function writer(index: number): Promise<void> {
  const client = new Client({ url: slapd.url });
  await client.bind(ROOT_DN, ROOT_PASSWORD);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const modification = new Attribute({ type: 'description', values: [`round ${round}`] });
      await client.modify(`uid=w${index},${PEOPLE}`, new Change({ operation: 'replace', modification }));
    }
  } finally {
    await client.unbind();
  }
}

it('hands out every change made by 50 concurrent writers exactly once, read while they write', async () => {
  let token = (await ldap.sync('account', null)).token;
  const seen: { id: string; description: unknown }[] = [];
  let writing = true;
  const writers = Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i))).finally(() => {
    writing = false;
  });
  const read = async () => {
    const batch = await ldap.sync('account', token, { maxChanges: 50 });
    for (const delta of batch.deltas) seen.push({ id: delta.id, description: delta.object?.description });
    token = batch.token ?? token;
    return batch.deltas.length;
  };
  while (writing) await read();
  await writers;
  while ((await read()) > 0);

  expect(seen).toHaveLength(WRITERS * ROUNDS);
  const perEntry = new Map<string, number>();
  for (const { id } of seen) perEntry.set(id, (perEntry.get(id) ?? 0) + 1);
  expect([...perEntry.values()]).toEqual(Array.from({ length: WRITERS }, () => ROUNDS));
  // Each entry's last delta shows its last write.
  const last = new Map(seen.map(({ id, description }) => [id, description]));
  expect(new Set(last.values())).toEqual(new Set([`round ${ROUNDS - 1}`]));
});
