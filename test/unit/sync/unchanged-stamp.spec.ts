import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import type { Mapping, PropertyMapping } from '../../../src/core/sync/sync-config.types';
import {
  base36,
  unchangedStamp,
  unchangedStampCheck,
  unchangedStampFingerprint,
  unchangedStampRefusal,
} from '../../../src/core/sync/unchanged-stamp';
import { sampleSyncJson } from './sample-sync';
import { filter, script } from './sync-fixtures';

/**
 * Which mappings may skip an entry nothing touched since it last agreed: only those whose CONFIRMED outcome
 * depends on the two objects alone. Any script could read something else (another object, the clock).
 */
const [ldapToManaged, managedToLdap] = compileSyncConfig(sampleSyncJson(), 'sync.json') as [Mapping, Mapping];
/** How the source and target sets read their objects (ObjectSet.readShape). */
const SHAPES = ['{"properties":[{"name":"mail","nativeName":"mail"}]}', '{"private":[]}'];

describe('unchanged stamps: which mappings take the shortcut', () => {
  it('the sample LDAP → managed mapping does (plain property copies, CONFIRMED → UPDATE)', () => {
    expect(unchangedStampRefusal(ldapToManaged)).toBeNull();
    expect(unchangedStampFingerprint(ldapToManaged, SHAPES)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("the sample managed → LDAP mapping does not: it has scripts and uses the other mapping's links", () => {
    expect(unchangedStampFingerprint(managedToLdap, SHAPES)).toBeNull();
  });

  it.each<[string, Partial<Mapping>, string]>([
    [
      'a transform',
      {
        properties: [
          {
            source: ['cn'],
            target: ['displayName'],
            targetText: 'displayName',
            transform: script('x'),
            where: 'p',
          },
        ],
      },
      'a property has a transform',
    ],
    [
      'a property condition',
      {
        properties: [
          {
            source: ['cn'],
            target: ['displayName'],
            targetText: 'displayName',
            condition: filter('/object/cn pr'),
            where: 'p',
          },
        ],
      },
      'a script or condition looks at the source',
    ],
    ['validSource', { validSource: script('valid') }, 'a script or condition looks at the source'],
    ['validTarget', { validTarget: script('valid') }, 'validTarget is a script'],
    [
      'an onUpdate hook',
      { hooks: { onUpdate: script('hook') } },
      'a script or condition looks at the source',
    ],
    [
      'a postMapping hook',
      { hooks: { postMapping: script('hook') } },
      'a script or condition looks at the source',
    ],
    [
      'correlation',
      { correlation: { kind: 'script', script: script('c') } },
      'a script or condition looks at the source',
    ],
    ['linking disabled', { enableLinking: false }, 'linking is disabled'],
    [
      "another mapping's links",
      { link: { ...ldapToManaged.link, reversed: true } },
      "the links are another mapping's",
    ],
    [
      'CONFIRMED → IGNORE',
      { policies: [{ situation: 'CONFIRMED', action: 'IGNORE', where: 'p' }] },
      'CONFIRMED is not a plain UPDATE',
    ],
    [
      'a CONFIRMED policy with a condition',
      {
        policies: [
          { situation: 'CONFIRMED', action: 'UPDATE', condition: filter('/object/x eq 1'), where: 'p' },
        ],
      },
      'a script or condition looks at the source',
    ],
  ])('refuses a mapping with %s', (_, variant, reason) => {
    const mapping = { ...ldapToManaged, ...variant };
    expect(unchangedStampRefusal(mapping)).toBe(reason);
    expect(unchangedStampFingerprint(mapping, SHAPES)).toBeNull();
  });

  it('any edit of the mapping changes the fingerprint, so every stamp made before it is stale', () => {
    const added: PropertyMapping = { source: ['l'], target: ['city'], targetText: 'city', where: 'p' };
    const edited = { ...ldapToManaged, raw: { ...ldapToManaged.raw, extra: true }, properties: [added] };
    expect(unchangedStampFingerprint(edited, SHAPES)).not.toBe(
      unchangedStampFingerprint(ldapToManaged, SHAPES),
    );
    expect(unchangedStampFingerprint({ ...ldapToManaged }, SHAPES)).toBe(
      unchangedStampFingerprint(ldapToManaged, SHAPES),
    );
  });

  it("a change to how either set reads its objects changes the fingerprint (a connector property's attribute)", () => {
    const moved = ['{"properties":[{"name":"mail","nativeName":"otherMailbox"}]}', '{"private":[]}'];
    expect(unchangedStampFingerprint(ldapToManaged, moved)).not.toBe(
      unchangedStampFingerprint(ldapToManaged, SHAPES),
    );
    const hidden = [SHAPES[0] as string, '{"private":["mail"]}'];
    expect(unchangedStampFingerprint(ldapToManaged, hidden)).not.toBe(
      unchangedStampFingerprint(ldapToManaged, SHAPES),
    );
  });

  it('stamps are short and differ for every state of a run of many', () => {
    const stamps = new Set<string>();
    for (let entry = 0; entry < 20_000; entry++) {
      const csn = `20261201134512.${String(entry).padStart(6, '0')}Z#000000#000#000000`;
      for (const version of ['1.1796132046132747', '2.1796132046132747']) {
        const stamp = unchangedStamp('775c8ae3043e72a1', csn, version);
        expect(stamp.length).toBeLessThanOrEqual(11);
        stamps.add(stamp);
      }
    }
    expect(stamps.size).toBe(40_000);
  });

  it('a stamp tells its three parts apart whatever characters the revisions hold', () => {
    expect(unchangedStamp('f', 'a:1', '2')).not.toBe(unchangedStamp('f', 'a', '1:2'));
    expect(unchangedStamp('f', 'r', 'v')).toBe(unchangedStamp('f', 'r', 'v'));
    expect(unchangedStamp('f', 'r', 'v')).not.toBe(unchangedStamp('g', 'r', 'v'));
  });

  it('the check of a stored stamp answers as comparing the stamp text would, from code units', () => {
    const codes = (text: string): [Uint16Array, number] => {
      const units = new Uint16Array(64);
      for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
      return [units, text.length];
    };
    const check = unchangedStampCheck('775c8ae3043e72a1');
    const revisions = ['20261201134512.000001Z#000000#000#000000', '', 'é:1', '😀'];
    const versions = ['1.1796132046132747', '2', '', 'ü'];
    for (const revision of revisions) {
      for (const version of versions) {
        const stamp = unchangedStamp('775c8ae3043e72a1', revision, version);
        const [versionUnits, versionLength] = codes(version);
        const agrees = (stored: string) => check(revision, versionUnits, versionLength, ...codes(stored));
        expect(agrees(stamp)).toBe(true);
        // Another state's stamp, the stamp cut short or grown by a digit, another fingerprint's stamp.
        expect(agrees(unchangedStamp('775c8ae3043e72a1', revision, `${version}0`))).toBe(false);
        expect(agrees(stamp.slice(1))).toBe(false);
        expect(agrees(`${stamp}0`)).toBe(false);
        expect(agrees(unchangedStamp('775c8ae3043e72a2', revision, version))).toBe(false);
        expect(agrees(stamp.toUpperCase())).toBe(stamp === stamp.toUpperCase());
      }
    }
  });

  it("stamps are written as links stored them before (base 36 as JavaScript's own), so no stored stamp goes stale", () => {
    const edges = [
      0,
      1,
      35,
      36,
      37,
      36 ** 2 - 1,
      36 ** 10,
      36 ** 10 - 1,
      2 ** 32,
      2 ** 53 - 1,
      2 ** 53 - 36,
      2 ** 53 - 37,
    ];
    let value = 1;
    for (let i = 0; i < 2_000; i++) {
      value = (value * 48_271 + i * 7_919) % (2 ** 53 - 1);
      edges.push(value, Math.floor(value / 36) * 36 - 1);
    }
    for (const edge of edges) expect(base36(edge)).toBe(edge.toString(36));
  });
});
