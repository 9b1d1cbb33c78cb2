/**
 * Streaming searches. With `usePagedResultControl`, Simple Paged Results (RFC 2696) fetches `blockSize` entries
 * at a time; the next page is requested only when the consumer asks for it, so memory holds one page however
 * large the directory. The cookie lives on the connection, which the caller keeps leased for the whole stream.
 */
import type { Control, Entry, SearchResult } from 'ldapts';
import type { LdapConnection } from './ldap-pool';
import { withTimeout } from './ldap-pool';
import { unavailable } from './ldap-errors';
import { copyWith } from '../../core/copy-with';

export interface SearchSpec {
  readonly bases: readonly string[];
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: string;
  readonly attributes: readonly string[];
  readonly binaryAttributes: readonly string[];
  /** Entries per page; 0 = one plain search without the paging control. */
  readonly pageSize: number;
  /** Per page, in milliseconds. */
  readonly timeoutMs?: number;
  /** Extra request controls (server-side sorting). */
  readonly controls?: readonly Control[];
}

export async function* searchPages(conn: LdapConnection, spec: SearchSpec): AsyncGenerator<Entry[]> {
  for (const base of spec.bases) {
    const options = {
      scope: spec.scope,
      filter: spec.filter,
      attributes: [...spec.attributes],
      explicitBufferAttributes: [...spec.binaryAttributes],
    };
    const controls = spec.controls?.length ? [...spec.controls] : undefined;
    const timedOut = () => unavailable(conn.url, `search timed out after ${spec.timeoutMs} ms`);
    if (spec.pageSize <= 0) {
      const result = await withTimeout(conn.client.search(base, options, controls), spec.timeoutMs, timedOut);
      yield result.searchEntries;
      continue;
    }
    const pages = conn.client.searchPaginated(
      base,
      copyWith(options, { paged: { pageSize: spec.pageSize } }),
      controls,
    );
    // One page ahead: the next page is requested (with the cookie that just arrived) before this one is handed
    // out, so the server builds page k+1 while the consumer maps page k. Memory holds at most two pages.
    const prefetch = (): Promise<IteratorResult<SearchResult>> => {
      const page = pages.next();
      // Handled at once: the consumer may sit between pages (a REST cursor) when the connection drops.
      page.catch(() => undefined);
      return page;
    };
    let pending: Promise<IteratorResult<SearchResult>> | undefined = prefetch();
    try {
      for (;;) {
        const next: IteratorResult<SearchResult> = await withTimeout(pending, spec.timeoutMs, timedOut);
        pending = undefined;
        if (next.done) break;
        pending = prefetch();
        if (next.value.searchEntries.length > 0) yield next.value.searchEntries;
      }
    } finally {
      // A consumer that stops early leaves a prefetch in flight; its outcome no longer matters.
      if (pending) await withTimeout(pending, spec.timeoutMs, timedOut).catch(() => undefined);
      await pages.return(undefined);
    }
  }
}

/** One entry by exact DN, or null when there is none. */
export async function readEntry(
  conn: LdapConnection,
  dn: string,
  attributes: readonly string[],
  binaryAttributes: readonly string[],
  filter = '(objectClass=*)',
): Promise<Entry | null> {
  try {
    const result = await conn.client.search(dn, {
      scope: 'base',
      filter,
      attributes: [...attributes],
      explicitBufferAttributes: [...binaryAttributes],
    });
    return result.searchEntries[0] ?? null;
  } catch (error) {
    if ((error as { code?: unknown }).code === 32) return null;
    throw error;
  }
}
