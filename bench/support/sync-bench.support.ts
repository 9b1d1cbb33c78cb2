/**
 * Pieces of `npm run bench:sync`: an open-loop pacer, a pool of raw LDAP connections (ldapts, bound as the
 * directory's root DN, as Concord's connector is in the sample), and "wait until LDAP shows it" reads.
 */
import { loadavg } from 'node:os';
import { Attribute, Change, Client } from 'ldapts';
import { connectWithoutDelay } from '../../src/connectors/ldap/ldap-pool';
import { percentile } from './load';
import type { Timed } from './tail-report';

export const PEOPLE = 'ou=People,dc=example,dc=com';

export interface Latencies {
  readonly count: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly failures: number;
  readonly firstFailure?: string;
  /** Every timed operation's start (epoch ms) and latency, in the order they ended. */
  readonly timeline: readonly Timed[];
}

/**
 * `rate` operations per second for `seconds`, from `clients` concurrent clients: operation i is due at
 * start + i / rate and is started by the first free client once due (never earlier). A client that falls
 * behind starts the next due operation at once, so the achieved rate shows when the system cannot keep up.
 * Each latency is from the operation's start to its resolution.
 */
export async function paced(
  rate: number,
  seconds: number,
  clients: number,
  operation: (index: number, client: number) => Promise<void>,
): Promise<Latencies> {
  const total = Math.round(rate * seconds);
  const log = new LatencyLog();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        const index = next++;
        const wait = log.start + (index * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await log.time(() => operation(index, client));
      }
    }),
  );
  return log.summary();
}

/** `count` operations one after the other, each started when the one before ended (client 0 only). */
export async function backToBack(
  count: number,
  operation: (index: number) => Promise<void>,
): Promise<Latencies> {
  const log = new LatencyLog();
  for (let index = 0; index < count; index++) await log.time(() => operation(index));
  return log.summary();
}

/** Latencies of operations from their start to their resolution; a failure is counted, not timed. */
class LatencyLog {
  readonly start = performance.now();
  private readonly latencies: number[] = [];
  private readonly timeline: Timed[] = [];
  private failures = 0;
  private firstFailure: string | undefined;

  async time(operation: () => Promise<void>): Promise<void> {
    const began = performance.now();
    try {
      await operation();
      const latency = performance.now() - began;
      this.latencies.push(latency);
      this.timeline.push([performance.timeOrigin + began, latency]);
    } catch (error) {
      this.failures++;
      this.firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  }

  summary(): Latencies {
    const latencies = [...this.latencies].sort((a, b) => a - b);
    return {
      count: latencies.length,
      seconds: (performance.now() - this.start) / 1000,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? NaN,
      failures: this.failures,
      ...(this.firstFailure === undefined ? {} : { firstFailure: this.firstFailure }),
      timeline: this.timeline,
    };
  }
}

export function formatLatencies(label: string, result: Latencies): string {
  const failed = result.failures > 0 ? `, ${result.failures} FAILED (first: ${result.firstFailure})` : '';
  return (
    `${label}: ${result.count} in ${result.seconds.toFixed(1)} s (${(result.count / result.seconds).toFixed(0)}/s), ` +
    `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms${failed}`
  );
}

/** One bound LDAP connection per benchmark client. */
export class LdapPool {
  private constructor(private readonly clients: Client[]) {}

  static async open(url: string, size: number, bindDn: string, password: string): Promise<LdapPool> {
    const clients = await Promise.all(
      Array.from({ length: size }, async () => {
        // Nagle's algorithm off, as Concord's connector has it (the same client library on both sides).
        const client = new Client({
          url,
          timeout: 30_000,
          connectTimeout: 5_000,
          createConnection: connectWithoutDelay,
        });
        await client.bind(bindDn, password);
        return client;
      }),
    );
    return new LdapPool(clients);
  }

  private client(index: number): Client {
    const client = this.clients[index % this.clients.length];
    if (client === undefined) throw new Error('empty LDAP pool');
    return client;
  }

  /** A raw modify: replace one attribute of `uid=<uid>,ou=People`. */
  async replace(index: number, uid: string, attribute: string, value: string): Promise<void> {
    await this.client(index).modify(
      `uid=${uid},${PEOPLE}`,
      new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: [value] }) }),
    );
  }

  /** The first value of `attribute` of `uid=<uid>,ou=People`, as a base-scope read returns it now. */
  async read(index: number, uid: string, attribute: string): Promise<string | undefined> {
    const { searchEntries } = await this.client(index).search(`uid=${uid},${PEOPLE}`, {
      scope: 'base',
      attributes: [attribute],
    });
    const value = searchEntries[0]?.[attribute];
    return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
  }

  /** Reads until `attribute` is `value` (every `pollMs`), for at most `timeoutMs`. */
  async waitFor(
    index: number,
    uid: string,
    attribute: string,
    value: string,
    timeoutMs = 60_000,
  ): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((await this.read(index, uid, attribute)) !== value) {
      if (performance.now() > deadline) throw new Error(`${uid}: ${attribute} never became ${value}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.unbind().catch(() => undefined)));
  }
}

export function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}
