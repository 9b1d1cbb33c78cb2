import type { EvaluateScript, JsonObject, ScriptSpec } from '../../../src/core/sync/script';
import { quietEcho, type EngineWrite } from '../../../src/core/sync/pending-link-echo';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import type { Mapping } from '../../../src/core/sync/sync-config.types';
import { sampleSyncJson } from './sample-sync';
import { scriptsOf } from './sync-fixtures';

type Raw = Record<string, unknown>;

/** The sample's scripts, as plain functions (sync-fixtures: a script's source names its behaviour). */
const sampleCn = "source.displayName || (source.givenName + ' ' + source.sn);";
const sampleScripts = {
  [sampleCn]: (v: JsonObject) => {
    const s = v['source'] as JsonObject;
    return s['displayName'] || `${String(s['givenName'])} ${String(s['sn'])}`;
  },
  '!!object.description': (v: JsonObject) => !!(v['object'] as JsonObject)['description'],
  'object.password != null': (v: JsonObject) => (v['object'] as JsonObject)['password'] != null,
  'openidm.decrypt(source);': (v: JsonObject) => v['source'],
  "source || 'Kept by Concord'": (v: JsonObject) => v['source'] || 'Kept by Concord',
  false: () => false,
  UPDATE_BY_SCRIPT: () => 'UPDATE',
};

/** The sample's two mappings, reshaped by `edit` (index 0: LDAP → managed, 1: managed → LDAP). */
function mappings(edit: (inbound: Raw, outbound: Raw) => void = () => undefined): [Mapping, Mapping] {
  const json = sampleSyncJson() as { mappings: [Raw, Raw] };
  edit(json.mappings[0], json.mappings[1]);
  const [inbound, outbound] = compileSyncConfig(json, 'config/sync.json');
  return [inbound as Mapping, outbound as Mapping];
}

const entry: JsonObject = {
  _id: '6c3d9f8e-entry-uuid',
  dn: 'uid=bjensen,ou=People,dc=example,dc=com',
  uid: 'bjensen',
  cn: 'Barbara Jensen',
  sn: 'Jensen',
  givenName: 'Barbara',
  mail: 'bjensen@example.com',
  telephoneNumber: '1-360-229-7105',
  description: 'Created for OpenIDM',
};

/** What the inbound mapping made of `entry`: every mapped attribute, null where the entry has none. */
const user: JsonObject = {
  _id: 'u1',
  _rev: '1',
  displayName: 'Barbara Jensen',
  description: 'Created for OpenIDM',
  givenName: 'Barbara',
  mail: 'bjensen@example.com',
  telephoneNumber: '1-360-229-7105',
  sn: 'Jensen',
  userName: 'bjensen',
};

function writeOf(writer: Mapping, object: JsonObject = user, source: JsonObject = entry): EngineWrite {
  return { object, objectId: 'u1', writer, linkQualifier: 'default', sourceId: String(source._id), source };
}

/**
 * The sample's scripts answering at once (EvaluateScript.now), as the sandbox answers a script that reaches no
 * other system, except those named in `waiting`, which only the asynchronous call answers.
 */
function scriptsAnsweringNow(waiting: readonly string[] = []): { evaluate: EvaluateScript; now: string[] } {
  const { evaluate } = scriptsOf(sampleScripts);
  const now: string[] = [];
  const behaviours: Record<string, (vars: JsonObject) => unknown> = sampleScripts;
  return {
    evaluate: Object.assign(evaluate, {
      now: (spec: ScriptSpec, variables: Readonly<JsonObject>) => {
        const source = spec.source ?? '';
        if (waiting.includes(source)) return undefined;
        now.push(source);
        return { value: (behaviours[source] as (vars: JsonObject) => unknown)(variables) };
      },
    }),
    now,
  };
}

describe('quietEcho: the implicit sync of a user recon just created and linked (§5.4)', () => {
  it('answers without a promise while every script answers at once, and waits only for one that cannot', async () => {
    const [inbound, outbound] = mappings();
    const { description: _d, ...bare } = entry;
    const write = writeOf(inbound, { ...user, description: null }, bare);
    const expected = { situation: 'CONFIRMED', action: 'UPDATE', targetId: entry._id, message: null };
    const atOnce = scriptsAnsweringNow();
    const answer = quietEcho(outbound, write, atOnce.evaluate);
    expect(answer).not.toBeInstanceOf(Promise);
    expect(answer).toEqual(expected);
    // The cn transform and the description and password conditions ran, each once.
    expect(atOnce.now.sort()).toEqual(['!!object.description', 'object.password != null', sampleCn].sort());

    const waiting = scriptsAnsweringNow(['!!object.description']);
    const later = quietEcho(outbound, write, waiting.evaluate);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toEqual(expected);
    expect(waiting.now.sort()).toEqual(['object.password != null', sampleCn].sort());
  });

  it('throws at once the failure of a script that answered at once', () => {
    const [inbound, outbound] = mappings((_in, out) => {
      out['sourceCondition'] = { type: 'text/javascript', source: 'throws' };
    });
    const failing = Object.assign(scriptsOf(sampleScripts).evaluate, {
      now: () => {
        throw new Error('the script failed');
      },
    });
    expect(() => quietEcho(outbound, writeOf(inbound), failing)).toThrow('the script failed');
  });

  it('is CONFIRMED → UPDATE with nothing to write when the outbound mapping gives back the entry', async () => {
    const [inbound, outbound] = mappings();
    const { evaluate } = scriptsOf(sampleScripts);
    expect(await quietEcho(outbound, writeOf(inbound), evaluate)).toEqual({
      situation: 'CONFIRMED',
      action: 'UPDATE',
      targetId: entry._id,
      message: null,
    });
  });

  it('is quiet for an entry without the optional attributes (their conditions skip them)', async () => {
    const [inbound, outbound] = mappings();
    const { description: _d, telephoneNumber: _t, ...bare } = entry;
    const bareUser = { ...user, description: null, telephoneNumber: null };
    const echo = await quietEcho(
      outbound,
      writeOf(inbound, bareUser, bare),
      scriptsOf(sampleScripts).evaluate,
    );
    expect(echo).toMatchObject({ situation: 'CONFIRMED', action: 'UPDATE' });
  });

  it('does not run the condition of an attribute that already holds what the property would write', async () => {
    const [inbound, outbound] = mappings();
    const held = scriptsOf(sampleScripts);
    await quietEcho(outbound, writeOf(inbound), held.evaluate);
    expect(held.calls.map((call) => call.script)).not.toContain('!!object.description');
    const { description: _d, ...bare } = entry;
    const missing = scriptsOf(sampleScripts);
    await quietEcho(outbound, writeOf(inbound, { ...user, description: null }, bare), missing.evaluate);
    expect(missing.calls.map((call) => call.script)).toContain('!!object.description');
  });

  it('is not quiet when the outbound mapping would change the entry', async () => {
    const [inbound, outbound] = mappings((_in, out) => {
      (out['properties'] as Raw[])[4] = {
        source: 'description',
        target: 'description',
        transform: { type: 'text/javascript', source: "source || 'Kept by Concord'" },
      };
    });
    const { description: _d, ...bare } = entry;
    const bareUser = { ...user, description: null };
    expect(
      await quietEcho(outbound, writeOf(inbound, bareUser, bare), scriptsOf(sampleScripts).evaluate),
    ).toBe(null);
  });

  it('is not quiet for a mapping that does not share the writer’s link, or for the writer itself', async () => {
    const [inbound, outbound] = mappings((_in, out) => {
      delete out['links'];
    });
    const { evaluate } = scriptsOf(sampleScripts);
    expect(await quietEcho(outbound, writeOf(inbound), evaluate)).toBe(null);
    const [sameInbound] = mappings();
    expect(await quietEcho(sameInbound, writeOf(sameInbound), evaluate)).toBe(null);
  });

  it('is not quiet when linking is off on either side (no link, so no CONFIRMED)', async () => {
    const [inbound, outbound] = mappings((raw) => {
      raw['enableLinking'] = false;
    });
    expect(await quietEcho(outbound, writeOf(inbound), scriptsOf(sampleScripts).evaluate)).toBe(null);
  });

  it('is not quiet when a hook or a postAction would run after the UPDATE', async () => {
    const { evaluate } = scriptsOf(sampleScripts);
    for (const edit of [
      (out: Raw) => (out['onUpdate'] = { type: 'text/javascript', source: 'false' }),
      (out: Raw) => (out['postMapping'] = { type: 'text/javascript', source: 'false' }),
      (out: Raw) =>
        ((out['policies'] as Raw[])[0] = {
          situation: 'CONFIRMED',
          action: 'UPDATE',
          postAction: { type: 'text/javascript', source: 'false' },
        }),
    ]) {
      const [inbound, outbound] = mappings((_in, out) => edit(out));
      expect(await quietEcho(outbound, writeOf(inbound), evaluate)).toBe(null);
    }
  });

  it('an invalid source is UNQUALIFIED; the sample IGNOREs it, which writes nothing', async () => {
    const [inbound, outbound] = mappings((_in, out) => {
      out['validSource'] = { type: 'text/javascript', source: 'false' };
    });
    expect(await quietEcho(outbound, writeOf(inbound), scriptsOf(sampleScripts).evaluate)).toEqual({
      situation: 'UNQUALIFIED',
      action: 'IGNORE',
      targetId: entry._id,
      message: null,
    });
  });

  it('is not quiet when the reverse mapping runs for a link qualifier the write did not link', async () => {
    const [inbound, outbound] = mappings((_in, out) => {
      out['linkQualifiers'] = ['default', 'admin'];
    });
    expect(await quietEcho(outbound, writeOf(inbound), scriptsOf(sampleScripts).evaluate)).toBe(null);
  });

  it('follows the policies: an action script is run, and a CONFIRMED → DELETE policy is never quiet', async () => {
    const scripted = mappings((_in, out) => {
      (out['policies'] as Raw[])[0] = {
        situation: 'CONFIRMED',
        action: { type: 'text/javascript', source: 'UPDATE_BY_SCRIPT' },
      };
    });
    const { evaluate, calls } = scriptsOf(sampleScripts);
    expect(await quietEcho(scripted[1], writeOf(scripted[0]), evaluate)).toMatchObject({ action: 'UPDATE' });
    expect(calls.map((call) => call.script)).toContain('UPDATE_BY_SCRIPT');
    const deleting = mappings((_in, out) => {
      (out['policies'] as Raw[])[0] = { situation: 'CONFIRMED', action: 'DELETE' };
    });
    expect(await quietEcho(deleting[1], writeOf(deleting[0]), evaluate)).toBe(null);
  });
});
