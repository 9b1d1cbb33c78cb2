/** What e2e tests of implicit sync look at from outside: the durable queue and the writes slapd logged. */
import type { TestConcord } from './concord-app';
import type { SlapdInstance } from './slapd';

/** How many changes wait in the durable queue (pending and dead), over REST. */
export async function queuedChanges(t: Pick<TestConcord, 'admin'>): Promise<number> {
  const res = await t
    .admin('get', '/openidm/sync/queue?_queryFilter=true&_totalPagedResultsPolicy=EXACT')
    .expect(200);
  return res.body.totalPagedResults as number;
}

/** Every write slapd has logged (cn=accesslog, `logops writes`), one LDIF block each with its reqDN and reqType. */
export async function ldapWrites(slapd: SlapdInstance): Promise<string[]> {
  return (await slapd.search('cn=accesslog', '(reqType=*)', ['reqDN', 'reqType']))
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.includes('reqDN:'));
}
