import { spawn } from 'node:child_process';

/** Runs a program, feeding `input` on stdin; resolves with stdout, rejects with stderr on a non-zero exit. */
export function run(program: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.once('error', reject);
    proc.once('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${program} exited with ${code}: ${stderr.trim()}`)),
    );
    // A program that exits without reading stdin (ldapsearch) makes the write fail with EPIPE; its exit code
    // still tells the result.
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(input ?? '');
  });
}

/** Drops the LDIF records whose DN is in `dns` (compared case-insensitively), so a sample can be loaded over
 * the harness's own base entries. Handles plain `dn:` lines, which is all our LDIF uses. */
export function withoutEntries(ldif: string, dns: readonly string[]): string {
  const skip = new Set(dns.map((dn) => dn.toLowerCase().replace(/\s*,\s*/g, ',')));
  return ldif
    .split(/\n\s*\n/)
    .filter((record) => {
      const dnLine = record.split('\n').find((line) => /^dn:\s/i.test(line));
      if (!dnLine) return true;
      const dn = dnLine.replace(/^dn:\s*/i, '').trim();
      return !skip.has(dn.toLowerCase().replace(/\s*,\s*/g, ','));
    })
    .join('\n\n');
}
