/** The two mappings of the bidirectional LDAP sample (facts §10), as an administrator's sync.json has them. */
export function sampleSyncJson(): Record<string, unknown> {
  return {
    mappings: [
      {
        name: 'systemLdapAccounts_managedUser',
        source: 'system/ldap/account',
        target: 'managed/user',
        properties: [
          { source: 'cn', target: 'displayName' },
          { source: 'description', target: 'description' },
          { source: 'givenName', target: 'givenName' },
          { source: 'mail', target: 'mail' },
          { source: 'telephoneNumber', target: 'telephoneNumber' },
          { source: 'sn', target: 'sn' },
          { source: 'uid', target: 'userName' },
        ],
        policies: [
          { situation: 'CONFIRMED', action: 'UPDATE' },
          { situation: 'FOUND', action: 'UPDATE' },
          { situation: 'ABSENT', action: 'CREATE' },
          { situation: 'AMBIGUOUS', action: 'EXCEPTION' },
          { situation: 'MISSING', action: 'CREATE' },
          { situation: 'SOURCE_MISSING', action: 'DELETE' },
          { situation: 'UNQUALIFIED', action: 'IGNORE' },
          { situation: 'UNASSIGNED', action: 'IGNORE' },
        ],
      },
      {
        name: 'managedUser_systemLdapAccounts',
        source: 'managed/user',
        target: 'system/ldap/account',
        links: 'systemLdapAccounts_managedUser',
        comment: 'unknown keys such as this one are ignored, as in OpenIDM',
        onCreate: {
          type: 'text/javascript',
          source: "target.dn = 'uid=' + source.userName + ',ou=People,dc=example,dc=com';",
        },
        properties: [
          { source: 'givenName', target: 'givenName' },
          { source: 'sn', target: 'sn' },
          {
            source: '',
            target: 'cn',
            transform: {
              type: 'text/javascript',
              source: "source.displayName || (source.givenName + ' ' + source.sn);",
            },
          },
          { source: 'userName', target: 'uid' },
          {
            source: 'description',
            target: 'description',
            condition: { type: 'text/javascript', source: '!!object.description' },
          },
          { source: 'mail', target: 'mail' },
          {
            source: 'password',
            target: 'userPassword',
            condition: { type: 'text/javascript', source: 'object.password != null' },
            transform: { type: 'text/javascript', source: 'openidm.decrypt(source);' },
          },
          { source: 'telephoneNumber', target: 'telephoneNumber', condition: '/object/telephoneNumber pr' },
        ],
        policies: [
          { situation: 'CONFIRMED', action: 'UPDATE' },
          { situation: 'FOUND', action: 'LINK' },
          { situation: 'ABSENT', action: 'CREATE' },
          { situation: 'AMBIGUOUS', action: 'IGNORE' },
          { situation: 'MISSING', action: 'IGNORE' },
          { situation: 'SOURCE_MISSING', action: 'DELETE' },
          { situation: 'UNQUALIFIED', action: 'IGNORE' },
          { situation: 'UNASSIGNED', action: 'IGNORE' },
        ],
      },
    ],
  };
}
