/**
 * Generates the slapd.conf of a private test/benchmark directory (Debian's slapd 2.5, modules in /usr/lib/ldap).
 * Two mdb databases: `cn=accesslog` (written by the accesslog overlay, read by live sync) and `dc=example,dc=com`.
 */
/** The database suffix is `dc=com` so that the sample's Example.ldif (which starts at `dc=com`) loads unchanged. */
export const DB_SUFFIX = 'dc=com';
export const BASE_DN = 'dc=example,dc=com';
export const ROOT_DN = 'cn=Directory Manager,dc=example,dc=com';
export const ROOT_PASSWORD = 'password';
export const SERVICE_DN = 'cn=idm,ou=Services,dc=example,dc=com';
export const SERVICE_PASSWORD = 'idm-secret';

export interface SlapdConfOptions {
  readonly dir: string;
  /** PEM files for LDAPS/StartTLS; omitted when TLS is off. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Server-side referential integrity on uniqueMember (off by default so the connector's own group upkeep is visible). */
  readonly refint?: boolean;
  /**
   * Flush every commit to disk, as Debian's slapd and any production directory do. Off by default: tests run with
   * `dbnosync`, which is faster and loses only what a crash of the test's own slapd would.
   */
  readonly durable?: boolean;
}

export function renderSlapdConf(options: SlapdConfOptions): string {
  const { dir } = options;
  const modules = ['back_mdb', 'syncprov', 'accesslog', ...(options.refint ? ['refint'] : [])];
  const readers = `by dn.exact="${ROOT_DN}" read by dn.exact="${SERVICE_DN}" read by * none`;
  const noSync = options.durable ? [] : ['dbnosync'];
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    'include /etc/ldap/schema/nis.schema',
    'modulepath /usr/lib/ldap',
    ...modules.map((m) => `moduleload ${m}`),
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    // The size limit a non-root bind hits without paging; paged searches are unlimited for everyone.
    'sizelimit size.soft=500 size.hard=unlimited size.prtotal=unlimited',
    ...(options.tls
      ? [`TLSCertificateFile ${options.tls.certFile}`, `TLSCertificateKeyFile ${options.tls.keyFile}`]
      : []),
    '',
    'database mdb',
    'suffix "cn=accesslog"',
    `directory ${dir}/accesslog`,
    'maxsize 1073741824',
    ...noSync,
    'index default eq',
    'index entryCSN,objectClass,reqEnd,reqResult,reqStart,reqDN eq',
    `limits dn.exact="${SERVICE_DN}" size=unlimited time=unlimited`,
    `access to * ${readers}`,
    'overlay syncprov',
    'syncprov-nopresent TRUE',
    'syncprov-reloadhint TRUE',
    '',
    'database mdb',
    `suffix "${DB_SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${dir}/data`,
    'maxsize 4294967296',
    ...noSync,
    'index objectClass,entryUUID,entryCSN,uid,mail,uniqueMember,member eq',
    'index cn,sn,givenName eq,sub',
    `limits dn.exact="${SERVICE_DN}" size=unlimited time=unlimited`,
    `access to attrs=userPassword by dn.exact="${SERVICE_DN}" write by self write by anonymous auth by * none`,
    `access to * by dn.exact="${SERVICE_DN}" write by users read by * read`,
    'overlay syncprov',
    'syncprov-checkpoint 100 10',
    'overlay accesslog',
    'logdb cn=accesslog',
    'logops writes',
    'logsuccess TRUE',
    'logold (objectClass=*)',
    'logoldattr entryUUID',
    'logpurge 07+00:00 01+00:00',
    ...(options.refint ? ['overlay refint', 'refint_attributes uniqueMember member'] : []),
    '',
  ].join('\n');
}

/** Entries every instance starts with: the suffixes, the service account's branch and the account itself. */
export function baseLdif(): string {
  return [
    `dn: ${DB_SUFFIX}`,
    'objectClass: domain',
    'dc: com',
    '',
    `dn: ${BASE_DN}`,
    'objectClass: domain',
    'dc: example',
    '',
    'dn: ou=Services,dc=example,dc=com',
    'objectClass: organizationalUnit',
    'ou: Services',
    '',
    `dn: ${SERVICE_DN}`,
    'objectClass: person',
    'cn: idm',
    'sn: Concord service account',
    `userPassword: ${SERVICE_PASSWORD}`,
    '',
  ].join('\n');
}
