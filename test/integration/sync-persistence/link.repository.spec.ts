import type { LinkKey } from '../../../src/core/sync/link';
import { DomainError } from '../../../src/core/errors/domain-error';
import { RandomUuidGenerator } from '../../../src/managed/id-generator';
import { FollowingExecutor } from '../../../src/persistence/following-writes';
import { LinkRepository } from '../../../src/persistence/link.repository';
import { ManagedObjectRepository } from '../../../src/persistence/managed-object.repository';
import { LinkAccess } from '../../../src/sync/link-access';
import { LINK_ROW_COLUMNS } from '../../../src/sync/ports/link.store';
import {
  crestQuery,
  drain,
  errorCode,
  openTestDatabase,
  REPO_KINDS,
  type TestDatabase,
} from './test-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function link(linkType: string, firstId: string, secondId: string, linkQualifier = 'default'): LinkKey {
  return { linkType, linkQualifier, firstId, secondId };
}

function links(linkType: string, count: number, prefix = 'u'): LinkKey[] {
  return Array.from({ length: count }, (_, i) => link(linkType, `${prefix}${i}`, `m-${prefix}${i}`));
}

describe.each(REPO_KINDS)('LinkRepository on %s', (kind) => {
  let database: TestDatabase;
  let repo: LinkRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    repo = new LinkRepository(database.db, new RandomUuidGenerator());
  });

  afterAll(async () => {
    await database.destroy();
  });

  it('reads the links of some sides inside another statement, as the lookups by id would find them', async () => {
    const [byFirst, bySecond] = await repo.createMany([
      link('sides', 'uid=a', 'm-a'),
      link('sides-reversed', 'uid=b', 'm-a', 'contractor'),
      link('sides', 'uid=c', 'm-c', 'other'),
    ]);
    const { read, records } = repo.sidesRead([
      { linkType: 'sides', qualifiers: ['default', 'other'], column: 'firstId', id: 'uid=a' },
      { linkType: 'sides-reversed', qualifiers: ['contractor'], column: 'secondId', id: 'm-a' },
      { linkType: 'sides', qualifiers: ['default'], column: 'secondId', id: 'm-c' },
    ]);
    await database.db.query('CREATE TABLE IF NOT EXISTS sides_writes (id text PRIMARY KEY)');
    const tx = new FollowingExecutor(database.db);
    const followed = tx.follow('SELECT id FROM concord_written');
    tx.alongside(read);
    await tx.query('INSERT INTO sides_writes (id) VALUES ($1) RETURNING id', ['w1']);
    await followed;
    const found = records(tx.companionResult ?? []);
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([byFirst, bySecond]));
    await database.db.query('DROP TABLE sides_writes');
  });

  it('creates links with a random UUID _id and _rev "0", found again from either side', async () => {
    const [created] = await repo.createMany([link('lookup', 'uid=bjensen', 'm-1')]);
    expect(created).toEqual({
      _id: expect.stringMatching(UUID),
      _rev: '0',
      linkType: 'lookup',
      linkQualifier: 'default',
      firstId: 'uid=bjensen',
      secondId: 'm-1',
    });
    expect(await repo.findByFirstId('lookup', 'default', 'uid=bjensen')).toEqual(created);
    expect(await repo.findBySecondId('lookup', 'default', 'm-1')).toEqual(created);
    expect(await repo.findByFirstId('lookup', 'other', 'uid=bjensen')).toBeNull();
    expect(await repo.findBySecondId('elsewhere', 'default', 'm-1')).toBeNull();
    expect(await repo.createMany([])).toEqual([]);
  });

  it.each([
    ['the same source', link('uniq', 's1', 't9'), 'firstId'],
    ['the same target', link('uniq', 's9', 't1'), 'secondId'],
  ])('refuses a second link for %s in a qualifier with CONFLICT naming the side', async (_, second, side) => {
    await repo.createMany([link('uniq', 's1', 't1')]);
    const failure = await repo.createMany([second]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'CONFLICT', detail: { side } });
    expect((failure as Error).message).toContain(side);
    expect(await repo.countOfType('uniq')).toBe(1);
    await repo.deleteOfType('uniq');
  });

  it('allows the same source and target under other qualifiers and other link types', async () => {
    await repo.createMany([
      link('quals', 's1', 't1', 'employee'),
      link('quals', 's1', 't1', 'contractor'),
      link('quals-other', 's1', 't1', 'employee'),
    ]);
    expect(await repo.countOfType('quals')).toBe(2);
    expect((await repo.findByFirstId('quals', 'contractor', 's1'))?.secondId).toBe('t1');
  });

  it('refuses duplicates inside one batch and writes none of a batch that fails, even across chunks', async () => {
    const batch = [...links('atomic', 2_500), link('atomic', 'u0', 'somewhere-else')];
    expect(await errorCode(repo.createMany(batch))).toBe('CONFLICT');
    expect(await repo.countOfType('atomic')).toBe(0);
  });

  // Timings belong to bench:recon; this checks that one call stores a whole batch with distinct ids.
  it('creates 5,000 links in one call', async () => {
    const created = await repo.createMany(links('bulk', 5_000));
    expect(created).toHaveLength(5_000);
    expect(new Set(created.map((l) => l._id)).size).toBe(5_000);
    expect(await repo.countOfType('bulk')).toBe(5_000);
  });

  it('streams every link of a type, all qualifiers, page by page and nothing of other types', async () => {
    await repo.createMany([...links('stream', 1_200, 'a'), ...links('stream-other', 10)]);
    await repo.createMany(
      Array.from({ length: 1_300 }, (_, i) => link('stream', `b${i}`, `m-b${i}`, 'contractor')),
    );
    const { sizes, items } = await drain(repo.allOfType('stream', 1_000));
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(new Set(items.map((l) => l._id)).size).toBe(2_500);
    expect(items.every((l) => l.linkType === 'stream')).toBe(true);
    expect(items.filter((l) => l.linkQualifier === 'contractor')).toHaveLength(1_300);
    expect((await drain(repo.allOfType('no-such-type'))).sizes).toEqual([]);
    expect((await drain(repo.allOfType('stream', 2_500))).sizes).toEqual([2_500]);
  });

  it("reads recon's links with their targets' versions in one pass on PostgreSQL, ids of any characters exact", async () => {
    const objects = new ManagedObjectRepository(database.db);
    const odd = ['uid=smith\\, john', 'tab\there', 'Émile 数据 😀', '\\N', 'plain'];
    for (const id of odd) await objects.create('joined', `m-${id}`, { name: id });
    await objects.create('joined', 'm-unlinked\\one', {});
    await objects.create('joined-other', 'm-elsewhere', {});
    await repo.createMany([
      ...odd.map((id, i) => ({ ...link('joined', id, `m-${id}`), stamp: `s${i}` })),
      link('joined', 'gone-source', 'm-gone'),
      // Another qualifier's link to a linked target: that target is still one target, found once.
      link('joined', 'other-source', 'm-plain', 'other'),
    ]);
    const versions = await database.db.query<{ id: string; version: string }>(
      `SELECT id, rev::text || '.' || ((extract(epoch FROM created_at) * 1000000)::bigint)::text AS version
         FROM managed_objects WHERE object_type = 'joined'`,
    );
    const versionOf = new Map(versions.map((row) => [row.id, row.version]));
    const spec = {
      type: 'joined',
      reversed: false,
      sourceIdsCaseSensitive: true,
      targetIdsCaseSensitive: true,
    };
    const access = new LinkAccess(repo, spec, true);
    const joined = await access.prefetchWithTargets('default', (onRow) =>
      objects.eachVersionRowWithLinks('joined', 'joined', 'default', onRow),
    );
    // The embedded store has no COPY: recon reads the links and the targets apart there.
    if (kind === 'embedded') {
      expect(joined).toBeNull();
      return;
    }
    if (joined === null) throw new Error('PostgreSQL reads the links with their targets');
    const { targets } = joined;
    expect(joined.links).toBe(odd.length + 2);
    expect(targets.size).toBe(odd.length + 1);
    for (const [i, id] of odd.entries()) {
      const linked = access.prefetchedStampOf('default', id);
      expect(linked).toEqual({ targetId: `m-${id}`, stamp: `s${i}`, row: expect.any(Number) });
      const row = targets.rowOfLinked(linked?.row ?? -1, `m-${id}`);
      expect(targets.versionAt(row)).toBe(versionOf.get(`m-${id}`));
      expect(targets.has(`m-${id}`)).toBe(true);
    }
    expect(targets.versionOf('m-unlinked\\one')).toBe(versionOf.get('m-unlinked\\one'));
    expect([targets.has('m-gone'), targets.has('m-elsewhere')]).toEqual([false, false]);
    targets.claimRow(targets.rowOfLinked(access.prefetchedStampOf('default', 'plain')?.row ?? -1, 'm-plain'));
    targets.claim(`m-${odd[0] as string}`);
    expect([...targets.unclaimed()].sort()).toEqual(
      ['m-tab\there', 'm-Émile 数据 😀', 'm-\\N', 'm-unlinked\\one'].sort(),
    );
  });

  it("gives recon's prefetch the same links as rows on PostgreSQL, ids of any characters exact", async () => {
    const odd = ['uid=smith\\, john', 'tab\there', 'new\nline', 'Émile 数据 😀', '\\N', 'plain-1'];
    const created = await repo.createMany([
      ...odd.map((id, i) => ({
        ...link('rows', id, `m-${odd[(i + 1) % odd.length]}`),
        stamp: i % 2 ? `s${i}` : null,
      })),
      link('rows', 'plain-1', 'm-q', 'other'),
      link('rows-other', 'x', 'y'),
    ]);
    const rows: (string | null)[][] = [];
    const streamed = await repo.eachOfType('rows', (row) => {
      rows.push(LINK_ROW_COLUMNS.map((_, c) => row.text(c)));
    });
    // The embedded store has no COPY: the prefetch reads allOfType there, and only there.
    expect(streamed).toBe(kind === 'postgres');
    const { items } = await drain(repo.allOfType('rows'));
    const asRows = items.map((l) => [l.firstId, l.secondId, l.linkQualifier, l._id, l._rev, l.stamp]);
    if (streamed) expect(rows.sort()).toEqual(asRows.sort());
    expect(asRows).toHaveLength(created.length - 1);

    for (const reversed of [false, true]) {
      const spec = { type: 'rows', reversed, sourceIdsCaseSensitive: true, targetIdsCaseSensitive: true };
      const access = new LinkAccess(repo, spec, true);
      expect(await access.prefetch()).toBe(odd.length + 1);
      expect(access.anyStamped).toBe(true);
      for (const made of created.filter((l) => l.linkType === 'rows')) {
        const source = reversed ? made.secondId : made.firstId;
        expect(await access.forSource(made.linkQualifier, source)).toEqual(made);
        const target = reversed ? made.firstId : made.secondId;
        expect(await access.forTarget(made.linkQualifier, target)).toEqual(made);
      }
      expect(access.prefetchedStampOf('default', reversed ? 'm-tab\there' : 'uid=smith\\, john')).toEqual({
        targetId: reversed ? 'uid=smith\\, john' : 'm-tab\there',
        stamp: '',
        row: expect.any(Number),
      });
      expect(access.prefetchedStampOf('default', reversed ? 'm-new\nline' : 'tab\there')?.stamp).toBe('s1');
    }
  });

  it("keeps recon's stamps: stored with new links and later, read by the prefetch, cleared by a re-point", async () => {
    const [plain, stamped] = await repo.createMany([
      link('stamped', 's1', 't1'),
      { ...link('stamped', 's2', 't2'), stamp: 'fp:3:abc:1.5' },
    ]);
    const stampOf = async (id: string | undefined): Promise<string | null | undefined> =>
      (await drain(repo.allOfType('stamped'))).items.find((l) => l._id === id)?.stamp;
    expect(await stampOf(plain?._id)).toBeNull();
    expect(await stampOf(stamped?._id)).toBe('fp:3:abc:1.5');
    // The finders give OpenIDM's link document, without the stamp.
    expect(await repo.findByFirstId('stamped', 'default', 's2')).toEqual(stamped);

    await repo.setStamps([{ linkId: plain?._id as string, stamp: 'fp:1:x:2.7' }]);
    expect(await stampOf(plain?._id)).toBe('fp:1:x:2.7');
    await repo.update(stamped?._id as string, link('stamped', 's2', 't3'));
    expect(await stampOf(stamped?._id)).toBeNull();
    await repo.setStamps([]);
  });

  it('finds the links of an id on either side, of any type', async () => {
    await repo.createMany([
      link('either-a', 'x-1', 'm-x'),
      link('either-b', 'm-x', 'y-1'),
      link('either-c', 'z', 'q'),
    ]);
    const found = await repo.findByEitherId('m-x');
    expect(found.map((l) => [l.linkType, l.firstId, l.secondId])).toEqual([
      ['either-a', 'x-1', 'm-x'],
      ['either-b', 'm-x', 'y-1'],
    ]);
  });

  it('re-points a link, adding one to _rev each time; a taken side is a CONFLICT, an unknown id NOT_FOUND', async () => {
    const [first] = await repo.createMany([link('repoint', 's1', 't1'), link('repoint', 's2', 't2')]);
    const id = first?._id ?? '';
    expect(await repo.update(id, link('repoint', 's1', 't3'))).toMatchObject({
      _id: id,
      _rev: '1',
      secondId: 't3',
    });
    expect(await repo.update(id, link('repoint', 's1', 't4'))).toMatchObject({ _rev: '2', secondId: 't4' });
    expect(await repo.findBySecondId('repoint', 'default', 't4')).toMatchObject({ _id: id, _rev: '2' });
    expect(await errorCode(repo.update(id, link('repoint', 's1', 't2')))).toBe('CONFLICT');
    expect(await errorCode(repo.update('no-such-link', link('repoint', 's9', 't9')))).toBe('NOT_FOUND');
  });

  it('deletes links by id, ignoring unknown ids, and counts what it deleted', async () => {
    const created = await repo.createMany(links('delete-some', 3));
    const ids = created.slice(0, 2).map((l) => l._id);
    expect(await repo.deleteMany([...ids, 'no-such-link'])).toBe(2);
    expect(await repo.deleteMany([])).toBe(0);
    expect(await repo.countOfType('delete-some')).toBe(1);
  });

  it('removes every link of one type (delete-mapping-links) and leaves other types alone', async () => {
    await repo.createMany([...links('purge', 40), ...links('purge-keep', 3)]);
    expect(await repo.deleteOfType('purge')).toBe(40);
    expect(await repo.countOfType('purge')).toBe(0);
    expect(await repo.countOfType('purge-keep')).toBe(3);
    expect(await repo.deleteOfType('purge')).toBe(0);
  });

  it('writes in the caller transaction: a rollback leaves no link behind', async () => {
    const failed = database.db.transaction(async (tx) => {
      await repo.createMany(links('in-tx', 1_500), tx);
      expect(await repo.findByFirstId('in-tx', 'default', 'u7', tx)).not.toBeNull();
      throw new Error('managed write failed');
    });
    await expect(failed).rejects.toThrow('managed write failed');
    expect(await repo.countOfType('in-tx')).toBe(0);
  });

  it('answers repo/link queries over the link documents, with paging', async () => {
    await repo.createMany([
      link('query', 'uid=a', 'm-a'),
      link('query', 'uid=b', 'm-b'),
      link('query', 'uid=c', 'm-c', 'x'),
    ]);
    const byFirst = await repo.query(
      crestQuery({ _queryFilter: 'linkType eq "query" and firstId eq "uid=b"' }),
    );
    expect(byFirst.objects.map((o) => o.doc)).toEqual([
      { linkType: 'query', linkQualifier: 'default', firstId: 'uid=b', secondId: 'm-b' },
    ]);
    const pageOne = await repo.query(
      crestQuery({
        _queryFilter: 'linkType eq "query"',
        _sortKeys: 'firstId',
        _pageSize: '2',
        _totalPagedResultsPolicy: 'EXACT',
      }),
    );
    expect(pageOne.objects.map((o) => o.doc.firstId)).toEqual(['uid=a', 'uid=b']);
    expect(pageOne.total).toBe(3);
    const pageTwo = await repo.query(
      crestQuery({
        _queryFilter: 'linkType eq "query"',
        _sortKeys: 'firstId',
        _pageSize: '2',
        _pagedResultsCookie: pageOne.nextCookie ?? '',
      }),
    );
    expect(pageTwo.objects.map((o) => o.doc.firstId)).toEqual(['uid=c']);
    expect(pageTwo.nextCookie).toBeNull();
    const notDefault = await repo.query(
      crestQuery({ _queryFilter: 'linkType eq "query" and !(linkQualifier eq "default")' }),
    );
    expect(notDefault.objects.map((o) => o.doc.firstId)).toEqual(['uid=c']);
  });

  it('refuses ids PostgreSQL cannot store (NUL) as a bad request', async () => {
    expect(await errorCode(repo.createMany([link('nul', 'a\u0000b', 't')]))).toBe('BAD_REQUEST');
  });
});
