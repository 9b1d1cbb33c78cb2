import { parseCliArguments, unexpectedArgument } from '../../../src/cli/cli-arguments';

const parse = (...argv: string[]) => parseCliArguments(argv, '/opt/concord', '/home/ops');

describe('concord command line', () => {
  it('starts on the installation directory, or on -p DIR resolved against the working directory', () => {
    expect(parse()).toEqual({ command: 'start', projectDir: '/opt/concord', rest: [] });
    expect(parse('-p', 'idm')).toMatchObject({ command: 'start', projectDir: '/home/ops/idm' });
    expect(parse('config:validate', '--project=/srv/idm')).toMatchObject({
      command: 'config:validate',
      projectDir: '/srv/idm',
    });
  });

  it.each([
    [['validate', '/srv/idm'], "unknown command or argument 'validate'"],
    [['/srv/idm'], "unknown command or argument '/srv/idm'"],
    [['config:validate', '--verbose'], "unknown option '--verbose'"],
  ])('refuses %j rather than start on the installation directory', (argv, message) => {
    expect(unexpectedArgument(parse(...argv))).toBe(message);
  });

  it('leaves hash-password its password argument', () => {
    const args = parse('hash-password', 's3cret');
    expect(args.rest).toEqual(['s3cret']);
    expect(unexpectedArgument(args)).toBeUndefined();
  });
});
