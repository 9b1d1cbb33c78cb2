import { extractCredentials, type Credentials } from '../../../src/auth/credentials';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('extractCredentials', () => {
  it.each<[string, Record<string, string | string[] | undefined>, Credentials | null]>([
    ['no headers', {}, null],
    [
      'OpenIDM headers',
      { 'x-openidm-username': 'openidm-admin', 'x-openidm-password': 'pw' },
      { userName: 'openidm-admin', password: 'pw' },
    ],
    [
      'OpenIDM headers, empty password',
      { 'x-openidm-username': 'u', 'x-openidm-password': '' },
      { userName: 'u', password: '' },
    ],
    ['user name without password', { 'x-openidm-username': 'u' }, null],
    ['empty user name', { 'x-openidm-username': '', 'x-openidm-password': 'pw' }, null],
    ['repeated user name header', { 'x-openidm-username': ['a', 'b'], 'x-openidm-password': 'pw' }, null],
    ['Basic', { authorization: `Basic ${b64('alice:pw')}` }, { userName: 'alice', password: 'pw' }],
    [
      'Basic, lower-case scheme',
      { authorization: `basic ${b64('alice:pw')}` },
      { userName: 'alice', password: 'pw' },
    ],
    [
      'Basic, colon in password',
      { authorization: `Basic ${b64('alice:a:b:c')}` },
      { userName: 'alice', password: 'a:b:c' },
    ],
    [
      'Basic, UTF-8',
      { authorization: `Basic ${b64('jörg:pässwörd')}` },
      { userName: 'jörg', password: 'pässwörd' },
    ],
    ['Basic without colon', { authorization: `Basic ${b64('alice')}` }, null],
    ['Basic with empty user', { authorization: `Basic ${b64(':pw')}` }, null],
    ['Basic, not base64', { authorization: 'Basic ***' }, null],
    ['Bearer', { authorization: 'Bearer abc.def' }, null],
    [
      'OpenIDM headers win over Basic',
      { 'x-openidm-username': 'a', 'x-openidm-password': 'b', authorization: `Basic ${b64('c:d')}` },
      { userName: 'a', password: 'b' },
    ],
  ])('%s', (_case, headers, expected) => {
    expect(extractCredentials(headers)).toEqual(expected);
  });
});
