/**
 * Pieces of `npm run bench:ldap`: LDIF generation, the ldapsearch/ldapadd floors run as child processes, an RSS
 * sampler and figure formatting. Kept apart so the benchmark itself reads as the sequence of measurements.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export const PEOPLE = 'ou=People,dc=example,dc=com';
export const LDAPADD_BRANCH = 'ou=LdapAdd,dc=example,dc=com';
export const CONNECTOR_BRANCH = 'ou=Connector,dc=example,dc=com';

/** The account attributes of the sample provisioner, plus the id attribute: what both sides of a read fetch. */
export const ACCOUNT_ATTRIBUTES = [
  'uid',
  'cn',
  'sn',
  'givenName',
  'mail',
  'telephoneNumber',
  'description',
  'employeeType',
  'entryUUID',
];

export interface BenchPerson {
  readonly uid: string;
  readonly cn: string;
  readonly sn: string;
  readonly givenName: string;
  readonly mail: string;
  readonly telephoneNumber: string;
  readonly description: string;
}

export function person(prefix: string, i: number): BenchPerson {
  const uid = `${prefix}${i.toString().padStart(7, '0')}`;
  return {
    uid,
    cn: `Given${i % 97} Surname${i % 1009}`,
    sn: `Surname${i % 1009}`,
    givenName: `Given${i % 97}`,
    mail: `${uid}@example.com`,
    telephoneNumber: `+1 555 ${i.toString().padStart(7, '0')}`,
    description: 'Created by bench:ldap',
  };
}

export function personLdif(p: BenchPerson, parent: string): string {
  return (
    `dn: uid=${p.uid},${parent}\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n` +
    `objectClass: inetOrgPerson\nuid: ${p.uid}\ncn: ${p.cn}\nsn: ${p.sn}\ngivenName: ${p.givenName}\n` +
    `mail: ${p.mail}\ntelephoneNumber: ${p.telephoneNumber}\ndescription: ${p.description}\n\n`
  );
}

export function branchLdif(dn: string): string {
  const ou = /^ou=([^,]+)/.exec(dn)?.[1] ?? 'Branch';
  return `dn: ${dn}\nobjectClass: organizationalUnit\nou: ${ou}\n\n`;
}

export function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

/** Runs a program with its stdout discarded (written to /dev/null, as a shell redirect would); rejects on failure. */
export async function runDiscarding(program: string, args: readonly string[], input?: string): Promise<void> {
  const devNull = await open('/dev/null', 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(program, args, {
        stdio: [input === undefined ? 'ignore' : 'pipe', devNull.fd, 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${program} exited with ${code}: ${stderr.trim()}`)),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  } finally {
    await devNull.close();
  }
}

export interface MemorySample {
  readonly rssMiB: number;
  readonly heapMiB: number;
}

function memory(): MemorySample {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMiB: rss / 2 ** 20, heapMiB: heapUsed / 2 ** 20 };
}

/** Samples this process's RSS and V8 heap every `everyMs`; `stop()` returns the samples. */
export function sampleMemory(everyMs = 100): { stop(): MemorySample[] } {
  const samples: MemorySample[] = [memory()];
  const timer = setInterval(() => samples.push(memory()), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(memory());
      return samples;
    },
  };
}

/** Mean RSS per quarter of the stream: flat means the later quarters do not climb with the entries read. */
export function describeMemory(samples: readonly MemorySample[]): string {
  const quarters = [0, 1, 2, 3].map((q) => {
    const part = samples.slice(
      Math.floor((q * samples.length) / 4),
      Math.floor(((q + 1) * samples.length) / 4),
    );
    const list = part.length > 0 ? part : samples.slice(-1);
    return list.reduce((sum, s) => sum + s.rssMiB, 0) / list.length;
  });
  const heapMax = Math.max(...samples.map((s) => s.heapMiB));
  return (
    `RSS by quarter of the stream ${quarters.map((q) => q.toFixed(0)).join(' / ')} MiB, ` +
    `V8 heap max ${heapMax.toFixed(0)} MiB (${samples.length} samples every 100 ms)`
  );
}

export function rate(count: number, secs: number): string {
  return `${secs.toFixed(2)} s, ${(count / secs).toFixed(0)} entries/s`;
}

/** Runs `work` for each index in [0, count) with `concurrency` workers. */
export async function forEachConcurrently(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
