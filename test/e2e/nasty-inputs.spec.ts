import type request from 'supertest';
import { startConcord, type RepoKind, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import {
  HEADER_STRINGS,
  NASTY_BODIES,
  NASTY_SEGMENTS,
  NASTY_STRINGS,
  NASTY_VALUES,
  URL_STRINGS,
  seededRandom,
} from './nasty-inputs';

const USERS = '/openidm/managed/user';
const QUERY_PARAMS = [
  '_queryFilter',
  '_queryId',
  '_fields',
  '_sortKeys',
  '_pageSize',
  '_pagedResultsOffset',
  '_pagedResultsCookie',
  '_totalPagedResultsPolicy',
  '_action',
  '_id',
];
const PATCH_OPERATIONS = ['add', 'remove', 'replace', 'increment', 'move', 'copy', 'transform', 'zap'];
const RANDOM_REQUESTS = 300;

type Probe = { label: string; send: () => request.Test };

/**
 * Issue 3, item 5: "No input of any shape produces a 500". Every probe must answer below 500, and every error
 * must be the CREST body. The sweep is random but seeded, so a failure reproduces.
 */
describe.each<RepoKind>(['postgres', 'embedded'])(
  'nasty inputs never produce a 500 (%s repository)',
  (repo) => {
    let t: TestConcord;
    let existingId: string;

    beforeAll(async () => {
      t = await startConcord({ repo });
      const created = await t
        .admin('post', `${USERS}?_action=create`)
        .send(factory.managedUser({ tags: ['a'] }));
      existingId = created.body._id as string;
    });
    afterAll(async () => {
      await t.destroy();
    });

    /** Runs the probes one by one and returns what went wrong, so that one assertion lists every failure. */
    async function failuresOf(probes: readonly Probe[]): Promise<string[]> {
      const failures: string[] = [];
      for (const probe of probes) {
        const res = await probe.send();
        const body = res.body as Record<string, unknown> | undefined;
        const isCrest =
          res.status < 400 ||
          (body !== undefined &&
            body.code === res.status &&
            typeof body.reason === 'string' &&
            typeof body.message === 'string');
        if (res.status >= 500 || !isCrest) {
          failures.push(`${probe.label} -> ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      return failures;
    }

    const show = (value: unknown): string => JSON.stringify(value)?.slice(0, 60) ?? String(value);

    it('in path segments, for every method', async () => {
      const probes = NASTY_SEGMENTS.flatMap((segment): Probe[] => [
        { label: `GET ${segment}`, send: () => t.admin('get', `${USERS}/${segment}`) },
        { label: `DELETE ${segment}`, send: () => t.admin('delete', `${USERS}/${segment}`) },
        {
          label: `PUT ${segment}`,
          send: () => t.admin('put', `${USERS}/${segment}`).send(factory.managedUser()),
        },
        {
          label: `PATCH ${segment}`,
          send: () =>
            t.admin('patch', `${USERS}/${segment}`).send([{ operation: 'add', field: '/a', value: 1 }]),
        },
        {
          label: `GET type ${segment}`,
          send: () => t.admin('get', `/openidm/managed/${segment}?_queryFilter=true`),
        },
      ]);
      expect(await failuresOf(probes)).toEqual([]);
    });

    it('in every query parameter', async () => {
      const probes = QUERY_PARAMS.flatMap((param) =>
        URL_STRINGS.map((value): Probe => ({
          label: `GET ?${param}=${show(value)}`,
          send: () => t.admin('get', USERS).query({ _queryFilter: 'true', _pageSize: '2', [param]: value }),
        })),
      );
      const asFilter = URL_STRINGS.map((value): Probe => ({
        label: `filter value ${show(value)}`,
        send: () => t.admin('get', USERS).query({ _queryFilter: `userName eq ${JSON.stringify(value)}` }),
      }));
      expect(await failuresOf([...probes, ...asFilter])).toEqual([]);
    });

    it('as property values and keys of created objects', async () => {
      const probes = NASTY_VALUES.flatMap((value): Probe[] => [
        {
          label: `create description=${show(value)}`,
          send: () =>
            t.admin('post', `${USERS}?_action=create`).send({ ...factory.managedUser(), description: value }),
        },
        {
          label: `create userName=${show(value)}`,
          send: () =>
            t.admin('post', `${USERS}?_action=create`).send({ ...factory.managedUser(), userName: value }),
        },
        {
          label: `create _id=${show(value)}`,
          send: () =>
            t.admin('post', `${USERS}?_action=create`).send({ ...factory.managedUser(), _id: value }),
        },
      ]);
      const keys = NASTY_STRINGS.map((key): Probe => ({
        label: `create key ${show(key)}`,
        send: () => t.admin('post', `${USERS}?_action=create`).send({ ...factory.managedUser(), [key]: 1 }),
      }));
      expect(await failuresOf([...probes, ...keys])).toEqual([]);
    });

    it('as raw bodies and content types', async () => {
      const probes = NASTY_BODIES.flatMap(([type, text]): Probe[] => [
        {
          label: `create ${type} ${show(text)}`,
          send: () => t.admin('post', `${USERS}?_action=create`).set('Content-Type', type).send(text),
        },
        {
          label: `patch ${type} ${show(text)}`,
          send: () => t.admin('patch', `${USERS}/${existingId}`).set('Content-Type', type).send(text),
        },
      ]);
      expect(await failuresOf(probes)).toEqual([]);
    });

    it('in headers', async () => {
      const probes = HEADER_STRINGS.flatMap((value): Probe[] => [
        {
          label: `If-Match ${show(value)}`,
          send: () =>
            t.admin('put', `${USERS}/${existingId}`).set('If-Match', value).send(factory.managedUser()),
        },
        {
          label: `If-None-Match ${show(value)}`,
          send: () => t.admin('get', `${USERS}/${existingId}`).set('If-None-Match', value),
        },
        {
          label: `username ${show(value)}`,
          send: () =>
            t
              .call('get', `${USERS}/${existingId}`)
              .set({ 'X-OpenIDM-Username': value, 'X-OpenIDM-Password': 'x' }),
        },
        {
          label: `password ${show(value)}`,
          send: () =>
            t
              .call('get', `${USERS}/${existingId}`)
              .set({ 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': value }),
        },
        {
          label: `Authorization ${show(value)}`,
          send: () => t.call('get', USERS).set('Authorization', `Basic ${value}`),
        },
        {
          label: `Accept ${show(value)}`,
          send: () => t.admin('get', `${USERS}/${existingId}`).set('Accept', value),
        },
      ]);
      expect(await failuresOf(probes)).toEqual([]);
    });

    it('in random combinations of patch operations and queries (seeded)', async () => {
      const pick = seededRandom(20_261_123);
      const pointers = [...URL_STRINGS, '/tags/-', '/tags/0', '/tags/99', '/description', '/a/b/c', '/_rev'];
      const probes = Array.from({ length: RANDOM_REQUESTS }, (_, index): Probe => {
        if (index % 2 === 0) {
          const operations = Array.from({ length: 1 + (index % 3) }, () => ({
            operation: pick(PATCH_OPERATIONS),
            field: pick(pointers),
            from: pick(pointers),
            value: pick(NASTY_VALUES),
          }));
          return {
            label: `patch ${show(operations)}`,
            send: () => t.admin('patch', `${USERS}/${existingId}`).send(operations),
          };
        }
        const params = Object.fromEntries(
          Array.from({ length: 3 }, () => [pick(QUERY_PARAMS), pick(URL_STRINGS)]),
        );
        return { label: `query ${show(params)}`, send: () => t.admin('get', USERS).query(params) };
      });
      expect(await failuresOf(probes)).toEqual([]);
    });

    it('leaves the service healthy and Object.prototype untouched', async () => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const health = await t.call('get', '/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('UP');
      const read = await t.admin('get', `${USERS}/${existingId}`);
      expect(read.status).toBe(200);
    });
  },
);
