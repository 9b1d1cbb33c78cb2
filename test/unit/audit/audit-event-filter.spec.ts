import { AuditEventFilter, type AuditFilterSettings } from '../../../src/core/audit/audit-event-filter';

const reconEntry = (action: string | undefined, extra: Record<string, unknown> = {}) => ({
  entryType: 'entry',
  situation: 'CONFIRMED',
  status: 'SUCCESS',
  ...(action === undefined ? {} : { action }),
  ...extra,
});
const activity = (operation: string) => ({ operation, objectId: 'managed/user/1', status: 'SUCCESS' });

describe('AuditEventFilter (audit.json eventTopics.<topic>.filter)', () => {
  it('keeps everything without audit.json, without filters, and for topics nobody filters', () => {
    for (const settings of [undefined, {}, { eventTopics: { activity: {} } }] as AuditFilterSettings[]) {
      const filter = AuditEventFilter.of(settings);
      expect(filter).toBe(AuditEventFilter.NONE);
      expect(filter.keeps('recon', reconEntry('UPDATE'))).toBe(true);
    }
    const reconOnly = AuditEventFilter.of({ eventTopics: { recon: { filter: { actions: ['CREATE'] } } } });
    expect(reconOnly.filters('activity')).toBe(false);
    expect(reconOnly.keeps('activity', activity('DELETE'))).toBe(true);
  });

  it.each([
    // [what, listed actions, event, kept]
    ['a listed action', ['CREATE', 'DELETE'], reconEntry('CREATE'), true],
    ['an action not listed', ['CREATE', 'DELETE'], reconEntry('UPDATE'), false],
    ['names compared without case', ['create', 'update'], reconEntry('UPDATE'), true],
    ['an event without an action (start, summary)', ['CREATE'], { entryType: 'start' }, true],
    ['an action outside the enum', ['CREATE'], reconEntry('SOMETHING-ELSE'), true],
    ['an empty list: every recon action left out', [], reconEntry('CREATE'), false],
  ])('recon actions: %s', (_what, actions, event, kept) => {
    const filter = AuditEventFilter.of({ eventTopics: { recon: { filter: { actions } } } });
    expect(filter.keeps('recon', event)).toBe(kept);
  });

  it.each([
    ['CREATE', true],
    ['PATCH', true],
    ['READ', false],
    ['QUERY', false],
    // Live sync's operations are no CREST request type: never filtered, as in OpenIDM.
    ['sync-update', true],
  ])('activity actions (OpenIDM default list): %s kept is %s', (operation, kept) => {
    const filter = AuditEventFilter.of({
      eventTopics: { activity: { filter: { actions: ['create', 'update', 'delete', 'patch', 'action'] } } },
    });
    expect(filter.keeps('activity', activity(operation))).toBe(kept);
  });

  it('applies a trigger filter only to events written under that trigger', () => {
    const filter = AuditEventFilter.of({
      eventTopics: { activity: { filter: { triggers: { recon: ['update'] } } } },
    });
    expect(filter.keeps('activity', activity('CREATE'), 'recon')).toBe(false);
    expect(filter.keeps('activity', activity('UPDATE'), 'recon')).toBe(true);
    expect(filter.keeps('activity', activity('CREATE'))).toBe(true);
    expect(filter.keeps('activity', activity('CREATE'), 'sync')).toBe(true);
  });

  it('leaves an event out when any of its rules does (actions, triggers and fields together)', () => {
    const filter = AuditEventFilter.of({
      eventTopics: {
        recon: {
          filter: {
            actions: ['CREATE', 'UPDATE'],
            fields: [{ name: 'status', values: ['SUCCESS'] }],
          },
        },
      },
    });
    expect(filter.keeps('recon', reconEntry('CREATE'))).toBe(true);
    expect(filter.keeps('recon', reconEntry('DELETE'))).toBe(false);
    expect(filter.keeps('recon', reconEntry('CREATE', { status: 'FAILURE' }))).toBe(false);
  });

  it.each([
    ['a listed value', { status: 'FAILURE' }, true],
    ['another value', { status: 'SUCCESS' }, false],
    ['no such field', {}, false],
    ['a null field', { status: null }, false],
    ['a nested field by pointer', { detail: { code: 'FAILURE' } }, true, '/detail/code'],
    ['a number, compared as text', { status: 500 }, true, '/status', ['500']],
  ])('fields: %s', (_what, event, kept, name = '/status', values = ['FAILURE']) => {
    const filter = AuditEventFilter.of({ eventTopics: { sync: { filter: { fields: [{ name, values }] } } } });
    expect(filter.keeps('sync', event)).toBe(kept);
  });

  it('ignores actions and triggers on the sync topic, as OpenIDM does', () => {
    const filter = AuditEventFilter.of({
      eventTopics: { sync: { filter: { actions: ['CREATE'], triggers: { recon: ['CREATE'] } } } },
    });
    expect(filter).toBe(AuditEventFilter.NONE);
    expect(filter.keeps('sync', { action: 'UPDATE' }, 'recon')).toBe(true);
  });

  it('tells from the action alone when an event is left out, so that it need not be built', () => {
    const filter = AuditEventFilter.of({
      eventTopics: {
        recon: { filter: { actions: ['CREATE'], fields: [{ name: '/status', values: ['SUCCESS'] }] } },
        activity: { filter: { triggers: { recon: ['update'] } } },
      },
    });
    expect(filter.mayKeep('recon', 'UPDATE')).toBe(false);
    // Kept by the action rule; the fields rule needs the whole event.
    expect(filter.mayKeep('recon', 'CREATE')).toBe(true);
    expect(filter.keeps('recon', reconEntry('CREATE', { status: 'FAILURE' }))).toBe(false);
    expect(filter.mayKeep('recon', null)).toBe(true);
    expect(filter.mayKeep('activity', 'CREATE', 'recon')).toBe(false);
    expect(filter.mayKeep('activity', 'CREATE')).toBe(true);
    expect(filter.mayKeep('sync', null)).toBe(true);
    expect(AuditEventFilter.of({ eventHandlers: [] }).mayKeep('sync', null)).toBe(false);
  });

  describe('event handlers (the topics audit.json logs at all)', () => {
    const handler = (topics: string[], enabled?: boolean | string) => ({
      class: 'org.forgerock.audit.handlers.json.JsonAuditEventHandler',
      config: { name: 'json', topics, ...(enabled === undefined ? {} : { enabled }) },
    });

    it('records only the topics an enabled handler lists (PingIDM 7.5+ leaves recon out)', () => {
      const filter = AuditEventFilter.of({
        eventHandlers: [
          handler(['access', 'activity', 'sync', 'authentication', 'config']),
          handler(['recon'], false),
          handler(['recon'], 'false'),
        ],
      });
      expect(filter.filters('recon')).toBe(true);
      expect(filter.keeps('recon', { entryType: 'start' })).toBe(false);
      expect(filter.keeps('activity', activity('CREATE'))).toBe(true);
      expect(filter.filters('activity')).toBe(false);
    });

    it('records every topic another enabled handler adds, and all without eventHandlers', () => {
      const filter = AuditEventFilter.of({
        eventHandlers: [handler(['activity', 'sync']), handler(['recon'], 'true')],
      });
      expect(filter).toBe(AuditEventFilter.NONE);
      expect(AuditEventFilter.of({ eventTopics: {} })).toBe(AuditEventFilter.NONE);
    });

    it("reads OpenIDM 4.0's handlers (`events`) and filters (`extendedEventTypes`, `customEventTypes`)", () => {
      const filter = AuditEventFilter.of({
        eventHandlers: [{ events: ['access', 'activity', 'recon', 'sync'] }],
        extendedEventTypes: { activity: { filter: { actions: ['create'] } } },
        customEventTypes: { recon: { filter: { actions: ['DELETE'] } } },
      });
      expect(filter.keeps('activity', activity('CREATE'))).toBe(true);
      expect(filter.keeps('activity', activity('UPDATE'))).toBe(false);
      expect(filter.keeps('recon', reconEntry('UPDATE'))).toBe(false);
      expect(filter.keeps('sync', { status: 'SUCCESS' })).toBe(true);
    });

    it('takes a handler that names no topics to log them all', () => {
      expect(AuditEventFilter.of({ eventHandlers: [{ config: {} }] })).toBe(AuditEventFilter.NONE);
    });

    it('applies the topic filters to the topics it records', () => {
      const filter = AuditEventFilter.of({
        eventHandlers: [handler(['recon'])],
        eventTopics: { recon: { filter: { actions: ['CREATE'] } } },
      });
      expect(filter.keeps('recon', reconEntry('CREATE'))).toBe(true);
      expect(filter.keeps('recon', reconEntry('UPDATE'))).toBe(false);
      expect(filter.keeps('sync', { status: 'SUCCESS' })).toBe(false);
    });
  });
});
