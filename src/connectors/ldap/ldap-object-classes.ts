/**
 * Superclasses of the standard structural classes (RFC 4519, RFC 2798, RFC 2307). An entry stores only the
 * classes it was written with — `objectClass: inetOrgPerson` alone is valid — and the server matches
 * `(objectClass=person)` through the hierarchy. Where Concord compares class lists itself (a deleted entry's
 * `reqOld` in cn=accesslog), it widens them the same way.
 */
const SUPERCLASS: Readonly<Record<string, string>> = {
  inetorgperson: 'organizationalperson',
  organizationalperson: 'person',
  residentialperson: 'person',
  posixaccount: 'top',
  groupofnames: 'top',
  groupofuniquenames: 'top',
  person: 'top',
};

/** The lower-cased classes with every known superclass added. */
export function withSuperclasses(classes: readonly string[]): Set<string> {
  const widened = new Set<string>();
  for (const objectClass of classes) {
    for (let c: string | undefined = objectClass.toLowerCase(); c !== undefined && !widened.has(c);) {
      widened.add(c);
      c = SUPERCLASS[c];
    }
  }
  return widened;
}
