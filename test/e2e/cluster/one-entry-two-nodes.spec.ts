/**
 * Two nodes edit the same managed user in turn, each syncing its own edits to LDAP within the request. Each node
 * remembers the entry as its own last write left it (ReadOptions.lastWritten), and the other node's writes since
 * are behind its back: after every edit, whichever node made it, the entry must hold what the edit says —
 * including an edit back to the value a node remembers writing, which only a fresh read shows to be needed.
 * Two real Concord processes on one PostgreSQL database and one slapd, the sample's mappings.
 */
import { rmSync } from 'node:fs';
import type { SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { startSlapd } from '../../support/slapd';
import { freshDatabase, sampleProject, startNode, type Node } from './cluster.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let slapd: SlapdInstance;
let projectDir: string;
let nodes: Node[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  projectDir = sampleProject();
  const options = { projectDir, databaseUrl: db.url, slapd };
  nodes = await Promise.all([startNode('node-1', options), startNode('node-2', options)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.process.stop()));
  await db?.drop();
  await slapd?.destroy();
  rmSync(projectDir, { recursive: true, force: true });
});

const user = (description: string, sn: string) => ({
  userName: 'shared',
  givenName: 'Shared',
  sn,
  mail: 'shared@example.com',
  description,
});

/** The value of a single-valued attribute in ldapsearch's LDIF. */
const valueIn = (ldif: string, attribute: string): string | undefined =>
  new RegExp(`^${attribute}: (.*)$`, 'm').exec(ldif)?.[1];

it('leaves the entry as each edit says, whichever node made it and whatever the other node wrote since', async () => {
  const [first, second] = nodes as [Node, Node];
  // Edits that flip between two values, so that a node's memory often holds the value being written again.
  const edits: { node: Node; description: string; sn: string }[] = [
    { node: first, description: 'one', sn: 'A' },
    { node: first, description: 'two', sn: 'A' },
    { node: second, description: 'one', sn: 'A' },
    { node: first, description: 'two', sn: 'A' },
    { node: second, description: 'two', sn: 'B' },
    { node: first, description: 'two', sn: 'A' },
    { node: second, description: 'one', sn: 'A' },
    { node: second, description: 'two', sn: 'A' },
    { node: first, description: 'one', sn: 'A' },
  ];
  const seen: string[] = [];
  const wanted: string[] = [];
  for (const { node, description, sn } of edits) {
    const res = await node.request('PUT', '/openidm/managed/user/shared', user(description, sn));
    expect([200, 201]).toContain(res.status);
    const entry = await slapd.search(PEOPLE, '(uid=shared)', ['description', 'sn']);
    seen.push(`${node.nodeId} ${valueIn(entry, 'description')} ${valueIn(entry, 'sn')}`);
    wanted.push(`${node.nodeId} ${description} ${sn}`);
  }
  expect(seen).toEqual(wanted);
});
