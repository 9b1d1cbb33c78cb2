/**
 * Issue 6, "never lose a change": an LDAP edit made while live sync is handling the entry's previous change is
 * neither overwritten nor lost. Live sync brings change A into managed/user; the reverse mapping's sync of that
 * managed update follows at once. An administrator's edit B landing in between used to be overwritten there: the
 * managed user (A) differed from the entry as it then was (B), so A was written back over B, and live sync then
 * read Concord's own write as the entry's latest state. `npm run bench:sync` (b) met this in about one run in four.
 *
 * The edit is made at the worst moment by running it just before that reverse sync is delivered (a spy on the
 * delivery that calls the real one after ldapmodify); everything else is the sample on real slapd and PostgreSQL.
 * The same holds when that delivery falls to the queue's worker, and for the other way round: an LDAP edit of one
 * attribute that a managed edit of another reaches LDAP before live sync has brought it (the implicit sync writes
 * what the managed edit changed, not the whole managed user over the entry).
 */
import { ChangeDelivery } from '../../../src/sync-queue/change-delivery.service';
import { ChangeQueueStore } from '../../../src/sync-queue/change-queue.store';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  // cn made from givenName and sn alone (the sample prefers displayName, itself cn): an LDAP edit of givenName then
  // gives the reverse mapping something of its own to write.
  env = await startReconTest({
    mappings: ([toManaged, toLdap]) => {
      const cn = toLdap.properties.find((p: { target: string }) => p.target === 'cn');
      cn.transform.source = "source.givenName + ' ' + source.sn;";
      return [toManaged, toLdap];
    },
  });
  await env.recon(LDAP_TO_MANAGED);
  await liveSync(); // the first run only records the latest token
});

afterAll(async () => {
  await env?.destroy();
});

async function liveSync(): Promise<void> {
  const res = await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');
  if (res.status !== 200) throw new Error(`liveSync answered ${res.status}: ${JSON.stringify(res.body)}`);
}

const setMail = (mail: string) =>
  env.slapd.modify(`dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: ${mail}\n`);

const ldapMail = async () => {
  const entry = await env.slapd.search(PEOPLE, '(uid=bjensen)', ['mail']);
  return /^mail: (.*)$/m.exec(entry)?.[1];
};

async function managedMail(): Promise<unknown> {
  const res = await env.t
    .admin('get', '/openidm/managed/user?_queryFilter=userName+eq+"bjensen"&_fields=mail')
    .expect(200);
  return (res.body as { result: { mail?: unknown }[] }).result[0]?.mail;
}

/** Runs `edit` once, just before the next reverse sync is delivered; resolves to whether it ran. */
function editBeforeTheReverseSync(edit: () => Promise<void>): () => boolean {
  const delivery = env.t.concord.app.get(ChangeDelivery);
  const deliver = delivery.deliverNow.bind(delivery);
  let ran = false;
  jest.spyOn(delivery, 'deliverNow').mockImplementation(async (...args) => {
    if (!ran) {
      ran = true;
      await edit();
    }
    return deliver(...args);
  });
  return () => ran;
}

/**
 * Runs `edit` in place of the next reverse sync's delivery right after live sync's write, as if Concord had died
 * there (or the attempt had failed): the queue's worker delivers that change later, and must not overwrite the edit.
 */
function editInsteadOfTheReverseSync(edit: () => Promise<void>): () => boolean {
  const delivery = env.t.concord.app.get(ChangeDelivery);
  let ran = false;
  jest.spyOn(delivery, 'deliverNow').mockImplementation(async () => {
    if (ran) return;
    ran = true;
    await edit();
  });
  return () => ran;
}

/** The worker's next pass, with the queued changes due now rather than after the write's grace period. */
async function workerPass(): Promise<number> {
  await env.t.concord.app.get(ChangeQueueStore).pullForward();
  return env.t.concord.app.get(ChangeDelivery).deliverDue();
}

afterEach(() => jest.restoreAllMocks());

it('keeps an LDAP edit made while live sync handles the previous one, and brings it back next', async () => {
  const edited = editBeforeTheReverseSync(() => setMail('second@example.com'));
  await setMail('first@example.com');
  await liveSync();
  expect(edited()).toBe(true);

  expect(await managedMail()).toBe('first@example.com');
  expect(await ldapMail()).toBe('second@example.com');

  await liveSync();
  expect(await managedMail()).toBe('second@example.com');
  expect(await ldapMail()).toBe('second@example.com');
});

it('still writes what the reverse mapping derives, and only that: the concurrent edit stays', async () => {
  // A givenName edited in LDAP alone comes back to managed/user, and its reverse sync then writes the new cn. The
  // mail edited meanwhile must survive that write.
  const edited = editBeforeTheReverseSync(() => setMail('third@example.com'));
  await env.slapd.modify(
    `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: givenName\ngivenName: Babs\n`,
  );
  await liveSync();
  expect(edited()).toBe(true);
  const entry = await env.slapd.search(PEOPLE, '(uid=bjensen)', ['cn', 'mail']);
  expect(entry).toContain('cn: Babs Jensen');
  expect(entry).toContain('mail: third@example.com');

  await liveSync();
  expect(await managedMail()).toBe('third@example.com');
});

it("leaves an LDAP edit alone when the reverse sync of live sync's change is delivered later by the worker", async () => {
  const edited = editInsteadOfTheReverseSync(() => setMail('fourth@example.com'));
  await setMail('fifth@example.com');
  await liveSync();
  expect(edited()).toBe(true);
  jest.restoreAllMocks();
  expect(await managedMail()).toBe('fifth@example.com');

  expect(await workerPass()).toBe(1);
  expect(await ldapMail()).toBe('fourth@example.com');
  await liveSync();
  expect(await managedMail()).toBe('fourth@example.com');
  expect(await ldapMail()).toBe('fourth@example.com');
});

it('has the worker write only what the reverse mapping derives, leaving the edit made since', async () => {
  const edited = editInsteadOfTheReverseSync(() => setMail('sixth@example.com'));
  await env.slapd.modify(
    `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: givenName\ngivenName: Barb\n`,
  );
  await liveSync();
  expect(edited()).toBe(true);
  jest.restoreAllMocks();

  expect(await workerPass()).toBe(1);
  const entry = await env.slapd.search(PEOPLE, '(uid=bjensen)', ['cn', 'mail']);
  expect(entry).toContain('cn: Barb Jensen');
  expect(entry).toContain('mail: sixth@example.com');
});

const setPhone = (phone: string) =>
  env.slapd.modify(
    `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: ${phone}\n`,
  );

/** A PATCH of bjensen's managed `field`, as an administrator's over REST. */
async function patchManaged(field: string, value: string): Promise<void> {
  const res = await env.t
    .admin('get', '/openidm/managed/user?_queryFilter=userName+eq+"bjensen"&_fields=_id')
    .expect(200);
  const id = (res.body as { result: { _id: string }[] }).result[0]!._id;
  await env.t
    .admin('patch', `/openidm/managed/user/${id}`)
    .send([{ operation: 'replace', field, value }])
    .expect(200);
}

async function managedPhone(): Promise<unknown> {
  const res = await env.t
    .admin('get', '/openidm/managed/user?_queryFilter=userName+eq+"bjensen"&_fields=telephoneNumber')
    .expect(200);
  return (res.body as { result: { telephoneNumber?: unknown }[] }).result[0]?.telephoneNumber;
}

async function queueDrained(): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const res = await env.t.admin('get', '/openidm/sync/queue?_queryFilter=true').expect(200);
    if ((res.body as { result: unknown[] }).result.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the implicit-sync queue did not drain');
}

const ldapPhoneAndMail = () => env.slapd.search(PEOPLE, '(uid=bjensen)', ['telephoneNumber', 'mail']);

it('keeps an LDAP edit of one attribute when a managed edit of another reaches LDAP before live sync brings it', async () => {
  // The implicit sync of the managed edit writes what that edit changed, not the managed user's older phone.
  await setPhone('+1 555 0101');
  await patchManaged('/mail', 'seventh@example.com');
  const entry = await ldapPhoneAndMail();
  expect(entry).toContain('mail: seventh@example.com');
  expect(entry).toContain('telephoneNumber: +1 555 0101');

  await liveSync();
  expect(await managedPhone()).toBe('+1 555 0101');
  expect(await managedMail()).toBe('seventh@example.com');
});

it('does the same when that managed edit is delivered later by the worker', async () => {
  const delivery = env.t.concord.app.get(ChangeDelivery);
  jest.spyOn(delivery, 'deliverNow').mockImplementation(() => Promise.resolve());
  await patchManaged('/mail', 'eighth@example.com');
  jest.restoreAllMocks();
  await setPhone('+1 555 0102');
  // The inline delivery's lease freed, as a restart of the node frees its earlier run's (reclaimEarlierLeases);
  // the background worker may take the change as well as this pass.
  await env.t.concord.app.get(ChangeQueueStore).releaseLeases('', 'none of this test');
  await workerPass();
  await queueDrained();

  const entry = await ldapPhoneAndMail();
  expect(entry).toContain('mail: eighth@example.com');
  expect(entry).toContain('telephoneNumber: +1 555 0102');
  await liveSync();
  expect(await managedPhone()).toBe('+1 555 0102');
});

it('lets a managed edit of the attribute LDAP edited win, as the later write', async () => {
  await setPhone('+1 555 0103');
  await patchManaged('/telephoneNumber', '+1 555 0104');
  expect(await ldapPhoneAndMail()).toContain('telephoneNumber: +1 555 0104');
});
