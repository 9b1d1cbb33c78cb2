import { EventEmitter } from 'node:events';
import type { Connection } from 'pg';
import { CopyOutQuery } from '../../../src/persistence/pg-copy-query';

/** A protocol message: its code, its length (counting itself), its body. */
function message(code: string, body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const header = Buffer.alloc(5);
  header[0] = code.charCodeAt(0);
  header.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

const ROWS = ['1\talpha\n', '2\t\\N\n', `3\t${'x'.repeat(300)}\n`, '4\tdelta é\n', '5\t\n'];

/** What the server sends for a COPY of ROWS, a notice in the middle; what pg must get back, from CopyDone on. */
function copyExchange(): { sent: Buffer; afterCopy: Buffer } {
  const afterCopy = Buffer.concat([message('c', ''), message('C', 'COPY 5\0'), message('Z', 'T')]);
  const rows = ROWS.map((row) => message('d', row));
  const sent = Buffer.concat([
    message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0])),
    ...rows.slice(0, 2),
    message('N', 'SNOTICE\0Mhalfway\0\0'),
    ...rows.slice(2),
    afterCopy,
  ]);
  return { sent, afterCopy };
}

/** A connection whose socket is an emitter with pg's one data listener, recording what pg was handed back. */
function fakeConnection() {
  const stream = Object.assign(new EventEmitter(), { pause: jest.fn(), resume: jest.fn() });
  const toPg: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => toPg.push(Buffer.from(chunk)));
  const queries: string[] = [];
  const connection = { stream, query: (text: string) => queries.push(text) } as unknown as Connection;
  return { connection, stream, toPg, queries };
}

async function readAll(query: CopyOutQuery): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of query.chunks()) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

describe('CopyOutQuery: the rows of a COPY TO STDOUT without the protocol around them', () => {
  it('sends the statement and gives the rows in order, however the socket cuts the messages', async () => {
    const { sent, afterCopy } = copyExchange();
    // Every cut into two chunks, and a run of one-byte chunks: headers and bodies split at every position.
    const cuttings = [
      ...Array.from({ length: sent.length - 1 }, (_, at) => [
        sent.subarray(0, at + 1),
        sent.subarray(at + 1),
      ]),
      Array.from(sent, (byte) => Buffer.from([byte])),
    ];
    for (const chunks of cuttings) {
      const { connection, stream, toPg, queries } = fakeConnection();
      const query = new CopyOutQuery('COPY (SELECT 1) TO STDOUT');
      expect(query.submit(connection)).toBeUndefined();
      expect(queries).toEqual(['COPY (SELECT 1) TO STDOUT']);
      // Each chunk a copy of its own, as a socket delivers them.
      for (const chunk of chunks) stream.emit('data', Buffer.from(chunk));
      expect(Buffer.concat(toPg)).toEqual(afterCopy);
      query.handleCommandComplete();
      query.handleReadyForQuery();
      expect(await readAll(query)).toBe(ROWS.join(''));
      // pg reads its socket again itself.
      expect(stream.listeners('data')).toHaveLength(1);
    }
  });

  it('hands pg the error the server sent in the middle of the rows, and fails with it after those before', async () => {
    const { connection, stream, toPg } = fakeConnection();
    const query = new CopyOutQuery('COPY (SELECT 1/0) TO STDOUT');
    query.submit(connection);
    const error = message('E', 'SERROR\0Mdivision by zero\0\0');
    stream.emit(
      'data',
      Buffer.concat([message('H', Buffer.alloc(7)), message('d', '1\n'), error, message('Z', 'I')]),
    );
    expect(Buffer.concat(toPg)).toEqual(Buffer.concat([error, message('Z', 'I')]));
    query.handleError(new Error('division by zero'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of query.chunks()) seen.push(chunk.toString());
      })(),
    ).rejects.toThrow('division by zero');
    expect(seen).toEqual(['1\n']);
  });

  it('pauses the socket while a megabyte waits for the reader, and resumes it as the reader catches up', async () => {
    const { connection, stream } = fakeConnection();
    const query = new CopyOutQuery('COPY (SELECT 1) TO STDOUT');
    query.submit(connection);
    const row = message('d', `${'y'.repeat(64 * 1024 - 1)}\n`);
    for (let i = 0; i < 20; i++) stream.emit('data', Buffer.from(row));
    expect(stream.pause).toHaveBeenCalledTimes(1);
    stream.emit('data', message('c', ''));
    query.handleReadyForQuery();
    expect((await readAll(query)).length).toBe(20 * 64 * 1024);
    expect(stream.resume).toHaveBeenCalled();
  });

  it('refuses to start on a connection whose socket someone else reads as well', () => {
    const { connection, stream } = fakeConnection();
    stream.on('data', () => undefined);
    expect(new CopyOutQuery('COPY (SELECT 1) TO STDOUT').submit(connection)).toBeInstanceOf(Error);
  });
});
