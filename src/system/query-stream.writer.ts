/**
 * Writes an unpaged CREST query reply while the objects stream in, so a query over a large directory never
 * holds the whole result. The status line waits for the first object: a failure before it (unknown type,
 * server down) still becomes a proper CREST error. A failure after it can no longer change the status, so the
 * connection is cut: the client sees an incomplete body, never a short result that parses as complete.
 * A client that goes away stops the search, which releases the LDAP connection.
 */
import { Logger } from '@nestjs/common';
import type { Response } from 'express';

const logger = new Logger('SystemQuery');

export async function writeQueryStream(res: Response, items: AsyncIterable<unknown>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.status(200).type('application/json');
  let aborted = false;
  res.once('close', () => (aborted = !res.writableFinished));
  let count = 0;
  try {
    res.write('{"result":[');
    for (let next = first; !next.done; next = await iterator.next()) {
      if (aborted) break;
      const ok = res.write((count > 0 ? ',' : '') + JSON.stringify(next.value));
      count++;
      if (!ok) await drained(res);
    }
  } catch (error) {
    logger.warn({ err: error, written: count }, 'Query failed after the reply started; connection cut');
    res.destroy();
    return;
  } finally {
    if (aborted) await iterator.return?.(undefined);
  }
  if (aborted) return;
  res.end(
    `],"resultCount":${count},"pagedResultsCookie":null,"totalPagedResultsPolicy":"NONE",` +
      '"totalPagedResults":-1,"remainingPagedResults":-1}',
  );
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
