import { withSuperclasses } from '../../../src/connectors/ldap/ldap-object-classes';

describe('withSuperclasses', () => {
  it('widens inetOrgPerson to the person chain, as the server matches (objectClass=person)', () => {
    expect([...withSuperclasses(['inetOrgPerson'])].sort()).toEqual([
      'inetorgperson',
      'organizationalperson',
      'person',
      'top',
    ]);
  });

  it('keeps unknown classes as they are, lower-cased', () => {
    expect([...withSuperclasses(['ExtensibleObject', 'groupOfUniqueNames'])].sort()).toEqual([
      'extensibleobject',
      'groupofuniquenames',
      'top',
    ]);
  });
});
