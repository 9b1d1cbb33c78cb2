import { Logger } from '@nestjs/common';
import { sharedScrapeRead } from '../../../src/observability/scrape-read';

describe('sharedScrapeRead', () => {
  it('reads once for the gauges of one scrape, and again at the next scrape', async () => {
    let reads = 0;
    const read = sharedScrapeRead(async () => ++reads, 'Test rows', new Logger('test'));
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    expect(await read()).toBe(2);
  });

  it('gives undefined and logs what was not read when the read fails, and reads again next time', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let fail = true;
    const read = sharedScrapeRead(
      async () => {
        if (fail) throw new Error('connection refused');
        return 'rows';
      },
      'Test rows',
      logger,
    );
    expect(await read()).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('Test rows not read for /metrics: connection refused');
    fail = false;
    expect(await read()).toBe('rows');
  });
});
