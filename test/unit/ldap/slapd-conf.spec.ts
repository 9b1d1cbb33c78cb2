import { renderSlapdConf } from '../../support/slapd.conf';

/** The harness's directories: tests skip the disk flush, bench:sync's directory flushes as a production one does. */
describe('renderSlapdConf', () => {
  const noSyncLines = (conf: string) => conf.split('\n').filter((line) => line === 'dbnosync').length;

  it('skips the flush in both databases by default, for the tests', () => {
    expect(noSyncLines(renderSlapdConf({ dir: '/tmp/x' }))).toBe(2);
  });

  it('flushes every commit in both databases when durable', () => {
    const conf = renderSlapdConf({ dir: '/tmp/x', durable: true });
    expect(noSyncLines(conf)).toBe(0);
    expect(conf).toContain('suffix "cn=accesslog"');
    expect(conf).toContain('suffix "dc=com"');
  });
});
