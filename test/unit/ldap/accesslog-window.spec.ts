import {
  advance,
  formatPosition,
  formatReqStart,
  isPending,
  parsePosition,
  reqStartMicros,
  windowStart,
  WINDOW_US,
  type LogPosition,
} from '../../../src/connectors/ldap/accesslog-window';

const at = (text: string): number => {
  const us = reqStartMicros(text);
  if (us === null) throw new Error(`not a reqStart: ${text}`);
  return us;
};

describe('reqStart as microseconds', () => {
  it.each([
    '20261202160358.000010Z',
    '19700101000000.000000Z',
    '20240229235959.999999Z',
    '20261231000000.500000Z',
  ])('reads and writes %s back unchanged', (text) => {
    expect(formatReqStart(at(text))).toBe(text);
  });

  it('orders as the text does, across seconds, days and years', () => {
    const texts = ['20251231235959.999999Z', '20260101000000.000000Z', '20260101000000.000001Z'];
    const micros = texts.map(at);
    expect(micros).toEqual([...micros].sort((a, b) => a - b));
    expect(micros[1]! - micros[0]!).toBe(1);
  });

  it.each(['20261202160358Z', '20261202160358.0001Z', 'ts:20261202160358Z;x', '', 'garbage'])(
    'refuses %j, which is not OpenLDAP accesslog’s form',
    (text) => {
      expect(reqStartMicros(text)).toBeNull();
      expect(parsePosition(text)).toBeNull();
    },
  );
});

describe('the position a token names', () => {
  const newest = '20261202160400.000000Z';

  it('a bare reqStart (tokens written before the window) has only itself handled', () => {
    const position = parsePosition(newest) as LogPosition;
    expect(position.newestUs).toBe(at(newest));
    expect([...position.handled]).toEqual([at(newest)]);
    expect(formatPosition(position)).toBe(newest);
  });

  it('round-trips the handled entries of the window', () => {
    const position: LogPosition = {
      newestUs: at(newest),
      handled: new Set([at(newest), at('20261202160359.999990Z'), at('20261202160356.123456Z')]),
    };
    const token = formatPosition(position);
    expect(token.startsWith(`${newest};`)).toBe(true);
    expect(parsePosition(token)).toEqual(position);
  });

  it('looks back WINDOW_US from the newest entry handled', () => {
    const position = parsePosition(newest) as LogPosition;
    expect(at(windowStart(position))).toBe(at(newest) - WINDOW_US);
  });
});

describe('handling entries logged out of order', () => {
  // Requests that started at t1 < t2 < t3, where t2 was logged last (it took longest).
  const t1 = at('20261202160400.100000Z');
  const t2 = at('20261202160400.200000Z');
  const t3 = at('20261202160400.300000Z');
  const start: LogPosition = { newestUs: t1, handled: new Set([t1]) };

  it('takes an entry that started before the newest handled one but was not handled yet', () => {
    const afterT3 = advance(start, t3);
    expect(isPending(afterT3, t2)).toBe(true);
    expect(isPending(afterT3, t3)).toBe(false);
    expect(isPending(afterT3, t1)).toBe(false);
  });

  it('survives the token text in between (a restart between the two reads)', () => {
    const token = formatPosition(advance(start, t3));
    const reread = parsePosition(token) as LogPosition;
    expect(isPending(reread, t2)).toBe(true);
    expect(isPending(reread, t3)).toBe(false);
    const afterT2 = parsePosition(formatPosition(advance(reread, t2))) as LogPosition;
    expect([t1, t2, t3].map((us) => isPending(afterT2, us))).toEqual([false, false, false]);
    expect(afterT2.newestUs).toBe(t3); // a late entry does not move the newest back
  });

  it('forgets entries older than the window, and leaves what started before it behind', () => {
    const later = t3 + WINDOW_US + 1;
    const moved = advance(advance(start, t3), later);
    expect([...moved.handled]).toEqual([later]);
    expect(isPending(moved, t3)).toBe(false); // before the window: not looked at again
    expect(formatPosition(moved)).toBe(formatReqStart(later));
  });
});
