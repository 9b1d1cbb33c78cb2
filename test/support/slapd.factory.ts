/**
 * Factories for directory content in tests: `factory.ldapEntry({uid: 'alice'})` gives the LDIF of an
 * inetOrgPerson under ou=People with sensible defaults; `factory.ldapGroup(...)` a groupOfUniqueNames.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LdapEntrySpec {
  readonly uid: string;
  readonly cn?: string;
  readonly sn?: string;
  readonly givenName?: string;
  readonly mail?: string;
  readonly telephoneNumber?: string;
  readonly description?: string;
  readonly userPassword?: string;
  readonly parent?: string;
  /** Extra attribute lines, e.g. `['employeeType: contractor']`. */
  readonly extra?: readonly string[];
}

export const PEOPLE_DN = 'ou=People,dc=example,dc=com';
export const GROUPS_DN = 'ou=Groups,dc=example,dc=com';

export const factory = {
  ldapEntryDn: (uid: string, parent = PEOPLE_DN): string => `uid=${uid},${parent}`,

  ldapEntry(spec: LdapEntrySpec): string {
    const givenName = spec.givenName ?? spec.uid;
    const sn = spec.sn ?? 'Tester';
    const lines = [
      `dn: ${factory.ldapEntryDn(spec.uid, spec.parent)}`,
      'objectClass: top',
      'objectClass: person',
      'objectClass: organizationalPerson',
      'objectClass: inetOrgPerson',
      `uid: ${spec.uid}`,
      `cn: ${spec.cn ?? `${givenName} ${sn}`}`,
      `sn: ${sn}`,
      `givenName: ${givenName}`,
      `mail: ${spec.mail ?? `${spec.uid}@example.com`}`,
      ...(spec.telephoneNumber ? [`telephoneNumber: ${spec.telephoneNumber}`] : []),
      ...(spec.description ? [`description: ${spec.description}`] : []),
      ...(spec.userPassword ? [`userPassword: ${spec.userPassword}`] : []),
      ...(spec.extra ?? []),
    ];
    return `${lines.join('\n')}\n\n`;
  },

  ldapGroup(cn: string, memberDns: readonly string[]): string {
    const members = memberDns.length > 0 ? memberDns : ['cn=placeholder'];
    return [
      `dn: cn=${cn},${GROUPS_DN}`,
      'objectClass: top',
      'objectClass: groupOfUniqueNames',
      `cn: ${cn}`,
      ...members.map((dn) => `uniqueMember: ${dn}`),
      '',
      '',
    ].join('\n');
  },

  /** `ou=People` and `ou=Groups`, for directories built without the sample. */
  ldapBranches(): string {
    return [
      `dn: ${PEOPLE_DN}`,
      'objectClass: organizationalUnit',
      'ou: People',
      '',
      `dn: ${GROUPS_DN}`,
      'objectClass: organizationalUnit',
      'ou: Groups',
      '',
      '',
    ].join('\n');
  },

  /** The sample directory samples/sync-with-ldap-bidirectional/data/Example.ldif. */
  sampleLdif(): string {
    return readFileSync(
      join(__dirname, '../../samples/sync-with-ldap-bidirectional/data/Example.ldif'),
      'utf8',
    );
  },
};
