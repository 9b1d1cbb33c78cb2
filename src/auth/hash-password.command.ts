import { hashPassword } from './password-hash';

export interface HashPasswordIo {
  stdin: AsyncIterable<Buffer | string>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * `concord hash-password [password]`: prints the `{"$hash": {...}}` value to paste into
 * config/authentication.json. Without an argument the password is read from stdin (one line),
 * which keeps it out of shell history and `ps`. Returns the process exit code.
 */
export async function runHashPassword(args: readonly string[], io: HashPasswordIo): Promise<number> {
  const plain = args[0] ?? (await readFirstLine(io.stdin));
  if (plain.length === 0) {
    io.stderr.write('hash-password: empty password (give it as the argument or on stdin)\n');
    return 1;
  }
  io.stdout.write(`${JSON.stringify(await hashPassword(plain))}\n`);
  return 0;
}

// Stops at the first newline, so an interactive user only has to press Enter.
async function readFirstLine(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (/\r?\n/.test(text)) {
      break;
    }
  }
  const newline = text.search(/\r?\n/);
  return newline === -1 ? text : text.slice(0, newline);
}
