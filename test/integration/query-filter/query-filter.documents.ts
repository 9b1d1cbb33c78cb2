/** Varied managed-user documents for checking that SQL and the in-memory evaluator agree. */
export interface TestDocument {
  readonly id: string;
  readonly rev: number;
  readonly doc: Record<string, unknown>;
}

const person = (i: number, userName: string, extra: Record<string, unknown> = {}): TestDocument => ({
  id: `id-${String(i).padStart(2, '0')}`,
  rev: i % 12,
  doc: { userName, ...extra },
});

export const DOCUMENTS: TestDocument[] = [
  person(1, 'bjensen', {
    givenName: 'Barbara',
    sn: 'Jensen',
    mail: 'bjensen@example.com',
    age: 42,
    active: true,
  }),
  person(2, 'BJensen', {
    givenName: 'Babs',
    sn: 'Jensen',
    mail: 'babs@example.org',
    age: 42.5,
    active: false,
  }),
  person(3, 'jdoe', {
    givenName: 'John',
    sn: 'Doe',
    mail: 'jdoe@example.com',
    age: 30,
    tags: ['admin', 'staff'],
  }),
  person(4, 'jane.doe', { givenName: 'Jane', sn: 'Doe', age: 29, tags: ['staff'], manager: null }),
  person(5, "o'brien", { givenName: 'Seán', sn: "O'Brien", mail: "o'brien@example.ie", age: -3 }),
  person(6, 'say "hi"', { sn: 'Quote', description: 'has "double" quotes', age: 0 }),
  person(7, 'back\\slash', { sn: 'Slash', description: 'C:\\Users\\x', age: 1e3 }),
  person(8, '100%_real', { sn: 'Percent', description: '50% off_now', tags: ['%', '_'] }),
  person(9, '100x real', { sn: 'Percent', description: '50x offxnow' }),
  person(10, 'zoë', { givenName: 'Zoë', sn: 'Ünicode', city: 'Zürich', emoji: '😀', age: 18 }),
  person(11, 'zoe', { givenName: 'Zoe', sn: 'Unicode', city: 'Zurich', emoji: '\uFFFD', age: 18 }),
  person(12, 'emails', {
    emails: [{ value: 'a@example.com', primary: true }, { value: 'b@example.net' }, 'plain-string'],
  }),
  person(13, 'address', { address: { city: 'Paris', zip: '75001', geo: { lat: 48.85, lng: 2.35 } } }),
  person(14, 'address2', { address: { city: 'paris', zip: 75002 } }),
  person(15, 'numbers-as-text', { age: '42', active: 'true', tags: ['42', 42] }),
  person(16, 'nested-arrays', { tags: [['admin']], matrix: [[1, 2], [3]] }),
  person(17, 'empty-things', { tags: [], description: '', address: {} }),
  person(18, 'nulls', { givenName: null, tags: [null], address: { city: null } }),
  person(19, 'booleans', { active: true, flags: [true, false], age: 65 }),
  person(20, 'injection', {
    description: "' OR 1=1 --",
    sn: '") || true || ("',
    city: '$v',
    note: 'a)b(c',
    regex: '.*+?^${}()|[]\\',
  }),
  person(21, 'weird-keys', {
    'a/b': 'slash key',
    'c~d': 'tilde key',
    'dot.key': 'dotted',
    $dollar: 'cash',
    'we\\ird': 'bs',
  }),
  person(22, 'deep', { a: { b: { c: { d: 'deep value' } } }, age: 99.99 }),
  person(23, 'mixed-array', { tags: ['Admin', 7, true, { name: 'obj' }, null], age: 7 }),
  person(24, 'objects-in-tags', { tags: [{ name: 'x' }, { name: 'y' }] }),
  person(25, 'big', { age: 9007199254740991, score: 1.5e-7 }),
  person(26, 'negative', { age: -42.25, score: -0.0001 }),
  person(27, 'whitespace', { givenName: '  spaced  ', sn: 'tab\there', description: 'line\nbreak' }),
  person(28, 'prefix', { mail: 'prefix_match@example.com', sn: 'Prefix' }),
  person(29, 'prefixXmatch', { mail: 'prefixXmatch@example.com', sn: 'prefix' }),
  { id: 'id-30', rev: 3, doc: { givenName: 'No', sn: 'Username', age: 50, userName: 12345 } },
  { id: "id-31'quote", rev: 4, doc: { userName: 'quoted-id', sn: 'Id' } },
];
