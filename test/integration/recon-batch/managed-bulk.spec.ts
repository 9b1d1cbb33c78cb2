import { randomBytes } from 'node:crypto';
import { DomainError } from '../../../src/core/errors/domain-error';
import { compileManagedConfig } from '../../../src/core/managed/managed-schema';
import { RandomUuidGenerator } from '../../../src/managed/id-generator';
import { ManagedBulkService } from '../../../src/managed/managed-bulk.service';
import { ManagedTypes } from '../../../src/managed/managed-types';
import { ManagedObjectRepository } from '../../../src/persistence/managed-object.repository';
import { FieldCrypto } from '../../../src/security/field-crypto';
import { openTestDatabase, REPO_KINDS, type TestDatabase } from '../sync-persistence/test-database';

const MANAGED = {
  objects: [
    {
      name: 'user',
      schema: {
        type: 'object',
        required: ['userName'],
        properties: {
          userName: { type: 'string', searchable: true, unique: true },
          accountStatus: { type: 'string', default: 'active' },
          password: { type: 'string', encryption: { key: 'openidm-sym-default' }, scope: 'private' },
        },
      },
    },
  ],
};

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}
import { ReconTargets } from '../../../src/sync/recon-targets';

describe.each(REPO_KINDS)('managed objects in batches on %s', (kind) => {
  let database: TestDatabase;
  let repo: ManagedObjectRepository;
  let bulk: ManagedBulkService;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    repo = new ManagedObjectRepository(database.db);
    const compiled = compileManagedConfig(MANAGED);
    const types = new ManagedTypes(compiled);
    await repo.ensureIndexes([
      { objectType: 'user', searchable: new Map([['userName', 'string']]), unique: ['userName'] },
    ]);
    bulk = new ManagedBulkService(
      repo,
      types,
      new FieldCrypto([{ alias: 'openidm-sym-default', key: randomBytes(32) }]),
      new RandomUuidGenerator(),
    );
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('creates many users in one insert with defaults and sealed secrets, and reads them back by id', async () => {
    const prepared = Array.from({ length: 1_200 }, (_, i) =>
      bulk.prepareCreate('user', undefined, { userName: `bulk${i}`, password: 'Secret-1' }),
    );
    const created = await bulk.insertPrepared('user', prepared);
    expect(created).toHaveLength(1_200);
    expect(created[0]).toEqual({
      _id: prepared[0]?.id,
      _rev: '1',
      userName: 'bulk0',
      accountStatus: 'active',
    });
    const stored = await repo.read('user', prepared[7]?.id as string);
    expect(stored?.doc['password']).not.toBe('Secret-1');

    const wanted = [prepared[3]?.id, prepared[1_100]?.id, 'no-such-id'] as string[];
    const found = await bulk.readMany('user', wanted);
    expect([...found.keys()].sort()).toEqual([prepared[3]?.id, prepared[1_100]?.id].sort());
    expect(found.get(prepared[1_100]?.id as string)).toMatchObject({ userName: 'bulk1100', _rev: '1' });
    expect(await bulk.readMany('user', [])).toEqual(new Map());
  });

  it('streams every id of the type in pages, without documents', async () => {
    const ids: string[] = [];
    const sizes: number[] = [];
    for await (const page of bulk.streamIdPages('user', 500)) {
      ids.push(...page);
      sizes.push(page.length);
    }
    expect(sizes).toEqual([500, 500, 200]);
    expect(ids).toHaveLength(1_200);
    expect(new Set(ids).size).toBe(1_200);
    // The keyset page after an id (the embedded repository's stream) starts at the next id in id order.
    const sorted = [...ids].sort();
    expect(await repo.idPage('user', sorted[1_198] as string, 500)).toEqual([sorted[1_199]]);
    expect(await repo.idPage('role', null, 10)).toEqual([]);
  });

  it('gives versions that every write moves and a re-created object never repeats', async () => {
    const versionOf = async (id: string): Promise<string | undefined> => {
      for await (const page of bulk.streamVersionPages('user', 500))
        for (const entry of page) if (entry.id === id) return entry.version;
      return undefined;
    };
    const created = await database.db.transaction((tx) =>
      bulk.insertPrepared('user', [bulk.prepareCreate('user', 'versioned', { userName: 'v1' })], tx),
    );
    const announced = bulk.createdVersion(created[0] as object);
    expect(announced).toBeDefined();
    expect(created[0]?._rev).toBe('1');
    const first = await versionOf('versioned');
    // What the insert answered is what the table says once its transaction has committed.
    expect(first).toBe(announced);
    await repo.update('user', 'versioned', { userName: 'v1', givenName: 'Changed' }, 1);
    const second = await versionOf('versioned');
    expect(second).not.toBe(first);
    await repo.delete('user', 'versioned');
    await repo.create('user', 'versioned', { userName: 'v1' });
    const third = await versionOf('versioned');
    expect((await repo.read('user', 'versioned'))?.rev).toBe(1);
    expect(third).not.toBe(first);
    expect(third).not.toBe(second);
    await repo.delete('user', 'versioned');
  });

  it("gives recon's target id set the same ids, with versions and without, as rows on PostgreSQL", async () => {
    const pages: string[][] = [];
    for await (const page of bulk.streamVersionPages('user', 500))
      for (const entry of page) pages.push([entry.id, entry.version]);
    const rows: (string | null)[][] = [];
    const streamed = await bulk.eachVersionRow('user', (row) => {
      expect(row.plain(0) && row.plain(1)).toBe(true);
      rows.push([row.text(0), row.text(1)]);
    });
    expect(streamed).toBe(kind === 'postgres');
    expect(pages.length).toBeGreaterThanOrEqual(1_200);
    if (streamed) expect(rows.sort()).toEqual(pages.sort());

    const targets = new ReconTargets();
    if (streamed) await bulk.eachVersionRow('user', (row) => targets.addRow(row));
    else for (const [id, version] of pages) targets.add(id as string, id as string, version);
    expect(targets.size).toBe(pages.length);
    for (const [id, version] of pages) expect(targets.versionOf(id as string)).toBe(version);
    expect([...targets.unclaimed()].sort()).toEqual(pages.map(([id]) => id).sort());

    // Ids alone (a mapping without unchanged stamps): the same ids, no versions.
    const ids: string[] = [];
    for await (const page of bulk.streamIdPages('user', 500)) ids.push(...page);
    const idsOnly = new ReconTargets();
    const idRows = await bulk.eachIdRow('user', (row) => {
      expect(row.text(1)).toBe('');
      idsOnly.addRow(row);
    });
    expect(idRows).toBe(kind === 'postgres');
    if (!idRows) for (const id of ids) idsOnly.add(id, id);
    expect([...idsOnly.unclaimed()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(idsOnly.versionOf(id)).toBeNull();
    expect(idsOnly.has(ids[0] as string)).toBe(true);
  });

  it('refuses a whole batch when one userName is taken (UNIQUE policy) and writes none of it', async () => {
    const batch = ['fresh1', 'bulk5', 'fresh2'].map((userName) =>
      bulk.prepareCreate('user', undefined, { userName }),
    );
    const error = await failure(bulk.insertPrepared('user', batch));
    expect(error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(error.detail)).toContain('UNIQUE');
    expect(await bulk.readMany('user', [batch[0]?.id as string])).toEqual(new Map());
  });

  it('refuses a batch holding an id that exists, naming it', async () => {
    const [existing] = await bulk.insertPrepared('user', [
      bulk.prepareCreate('user', 'fixed-id', { userName: 'x1' }),
    ]);
    expect(existing?._id).toBe('fixed-id');
    const again = [
      bulk.prepareCreate('user', 'other-id', { userName: 'x2' }),
      bulk.prepareCreate('user', 'fixed-id', { userName: 'x3' }),
    ];
    const error = await failure(bulk.insertPrepared('user', again));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('managed/user/fixed-id');
  });

  it('updates objects as readMany read them in one batch, keeping private fields and moving each revision', async () => {
    await bulk.insertPrepared(
      'user',
      ['u1', 'u2', 'u3'].map((id) => bulk.prepareCreate('user', id, { userName: id, password: `Pw-${id}` })),
    );
    const read = await bulk.readMany('user', ['u1', 'u2', 'u3']);
    const sealedBefore = (await repo.read('user', 'u2'))?.doc['password'];
    const change = (id: string, body: Record<string, string>) =>
      bulk.prepareUpdate('user', read.get(id) as object, { ...(read.get(id) as object), ...body });
    // The resource as read (no password, `_id`, `_rev`) with a change: the password is kept, not dropped.
    const prepared = [change('u1', { givenName: 'One' }), change('u2', { givenName: 'Two' })];
    expect(change('u3', {})).toBeNull();
    expect(bulk.prepareUpdate('user', { ...(read.get('u3') as object) }, { userName: 'u3' })).toBeUndefined();
    expect(() => bulk.prepareUpdate('user', read.get('u3') as object, { sn: 'No userName' })).toThrow(
      DomainError,
    );

    const updated = await bulk.updatePrepared(
      'user',
      prepared.map((entry) => entry as NonNullable<typeof entry>),
    );

    expect(updated).toEqual([
      { _id: 'u1', _rev: '2', userName: 'u1', accountStatus: 'active', givenName: 'One' },
      { _id: 'u2', _rev: '2', userName: 'u2', accountStatus: 'active', givenName: 'Two' },
    ]);
    expect((await repo.read('user', 'u2'))?.doc['password']).toEqual(sealedBefore);
    expect((await repo.read('user', 'u3'))?.rev).toBe(1);
    // One statement writes a row once: the same object twice in a batch is refused, not half applied.
    const twice = prepared[0] as NonNullable<(typeof prepared)[0]>;
    await expect(bulk.updatePrepared('user', [twice, twice])).rejects.toThrow(/appears twice/);
  });

  it('refuses a whole batch of updates when one object changed since it was read, naming it', async () => {
    const read = await bulk.readMany('user', ['u1', 'u3']);
    const prepared = ['u1', 'u3'].map((id) => {
      const current = read.get(id) as Record<string, string>;
      return bulk.prepareUpdate('user', current, { ...current, sn: 'Stale' }) as NonNullable<
        ReturnType<typeof bulk.prepareUpdate>
      >;
    });
    await repo.update('user', 'u3', { userName: 'u3', sn: 'Meanwhile' }, 1);

    const error = await failure(bulk.updatePrepared('user', prepared));

    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('managed/user/u3');
    expect((await repo.read('user', 'u1'))?.doc['sn']).toBeUndefined();
    expect((await repo.read('user', 'u3'))?.doc['sn']).toBe('Meanwhile');
  });

  it('checks each object as create does before anything is written', () => {
    expect(() => bulk.prepareCreate('user', undefined, { accountStatus: 'active' })).toThrow(DomainError);
    expect(() => bulk.prepareCreate('user', 'a/b', { userName: 'slash' })).toThrow(/Invalid object id/);
  });
});
