/**
 * The quicker SearchResultEntry reader (src/connectors/ldap/search-entry-reader.ts) against a real slapd: two
 * ldapts clients, one with the reader and one without, ask the same searches and get the same entries.
 */
import { randomBytes } from 'node:crypto';
import { Client, type SearchOptions } from 'ldapts';
import { installSearchEntryReader } from '../../../src/connectors/ldap/search-entry-reader';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { PEOPLE_DN, factory } from '../../support/slapd.factory';

const PHOTO = randomBytes(100_000);
const BOM_PHOTO = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text after a BOM')]);

let slapd: SlapdInstance;
let plain: Client;
let reading: Client;

async function bound(withReader: boolean): Promise<Client> {
  const client = new Client({ url: slapd.url });
  if (withReader) expect(installSearchEntryReader(client)).toBe(true);
  await client.bind(slapd.rootDn, slapd.rootPassword);
  return client;
}

beforeAll(async () => {
  const people = Array.from({ length: 1_200 }, (_, i) =>
    factory.ldapEntry({ uid: `p${String(i).padStart(4, '0')}` }),
  );
  const unusual = [
    factory.ldapEntry({
      uid: 'zoe',
      cn: 'Zoë Ünïcode 😀',
      extra: [
        'mail: zoe2@example.com',
        'description: one',
        'description: two',
        `jpegPhoto:: ${PHOTO.toString('base64')}`,
      ],
    }),
    factory.ldapEntry({ uid: 'bom', extra: [`jpegPhoto:: ${BOM_PHOTO.toString('base64')}`] }),
  ];
  slapd = await startSlapd({ ldif: factory.ldapBranches() + people.join('') + unusual.join('') });
  [plain, reading] = await Promise.all([bound(false), bound(true)]);
});
afterAll(async () => {
  await Promise.all([plain?.unbind(), reading?.unbind()]);
  await slapd.destroy();
});

async function pagedBoth(options: SearchOptions): Promise<unknown[][]> {
  return Promise.all(
    [plain, reading].map(async (client) => {
      const entries: unknown[] = [];
      for await (const page of client.searchPaginated(PEOPLE_DN, { ...options, paged: { pageSize: 250 } })) {
        entries.push(...page.searchEntries);
      }
      return entries;
    }),
  );
}

describe('reading search entries', () => {
  it.each<[string, SearchOptions]>([
    ['ids and revisions (a recon light pass)', { attributes: ['entryUUID', 'entryCSN'] }],
    ['every user and operational attribute', { attributes: ['*', '+'] }],
    [
      'attributes in another case, one absent',
      { attributes: ['CN', 'Mail', 'telephoneNumber', 'jpegPhoto'] },
    ],
    ['attributes asked as bytes', { attributes: ['cn', 'jpegPhoto'], explicitBufferAttributes: ['cn'] }],
    ['no attributes', { attributes: ['1.1'] }],
  ])('paged, %s: the same entries as ldapts alone', async (_, options) => {
    const [theirs, mine] = await pagedBoth({
      scope: 'sub',
      filter: '(objectClass=inetOrgPerson)',
      ...options,
    });
    expect(mine).toHaveLength(1_202);
    expect(mine).toEqual(theirs);
  });

  it('gives text, several values and bytes as ldapts does', async () => {
    const { searchEntries } = await reading.search(factory.ldapEntryDn('zoe'), {
      scope: 'base',
      attributes: ['*'],
    });
    expect(searchEntries[0]).toMatchObject({
      cn: 'Zoë Ünïcode 😀',
      mail: ['zoe@example.com', 'zoe2@example.com'],
      description: ['one', 'two'],
      jpegPhoto: PHOTO,
    });
    const bom = await reading.search(factory.ldapEntryDn('bom'), {
      scope: 'base',
      attributes: ['jpegPhoto'],
    });
    expect(bom.searchEntries[0]!.jpegPhoto).toBe('text after a BOM');
  });

  it('still reports a failed search as ldapts does', async () => {
    const failures = await Promise.all(
      [plain, reading].map((client) =>
        client.search('ou=Nowhere,dc=example,dc=com', { scope: 'sub' }).then(
          () => 'found',
          (error: Error) => `${error.constructor.name}: ${error.message}`,
        ),
      ),
    );
    expect(failures[1]).toBe(failures[0]);
    expect(failures[0]).toMatch(/NoSuchObject/);
  });
});
