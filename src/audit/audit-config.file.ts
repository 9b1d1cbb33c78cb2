import { z } from 'zod';
import type { ConfigFileEntry } from '../config/config-file.registry';
import { looseObject } from '../config/schema.helpers';
import { ACTIVITY_ACTIONS } from '../core/audit/audit-event-filter';
import { parsePointer } from '../core/json-pointer/json-pointer';
import { ACTIONS } from '../core/sync/action';

/** Property names or JSON pointers (`mail`, `/address/city`), as OpenIDM's audit.json lists them. */
const pointer = z
  .string()
  .min(1)
  .superRefine((field, ctx) => {
    try {
      parsePointer(field);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  });
const fieldList = z.array(pointer);

/** Action names compare without case, as OpenIDM reads them; a name it would not know is a typo here. */
function actionList(known: readonly string[]) {
  return z.array(
    z.string().refine((name) => known.includes(name.toUpperCase()), {
      message: `expected one of ${known.map((name) => name.toLowerCase()).join(', ')}`,
    }),
  );
}

const fields = z.array(looseObject({ name: pointer, values: z.array(z.string()) }));
/** A filter script would run for every event; Concord has none, and says so rather than log what it would drop. */
const script = z
  .unknown()
  .refine((value) => value === undefined, {
    message: 'no script (Concord runs no audit filter scripts; filter with actions, triggers or fields)',
  })
  .optional();

/** `eventTopics.<topic>.filter` (OpenIDM's audit filters, AuditEventFilter), for a topic with action filters. */
function actionTopicFilter(actions: readonly string[]) {
  return looseObject({
    actions: actionList(actions).optional(),
    triggers: z.record(z.string(), actionList(actions)).optional(),
    fields: fields.optional(),
    script,
  });
}

/**
 * The part of OpenIDM's `audit.json` Concord uses: which changes of a managed object the `audit/activity` event
 * names (`eventTopics.activity.watchedFields`, `passwordFields`), which events of the topics Concord writes are
 * left out (`eventTopics.<topic>.filter`), and which topics are recorded at all (those an enabled event handler
 * lists in `config.topics`). The handlers' own settings and the rest are OpenIDM's and pass through.
 */
/** The topics Concord writes, as `eventTopics` (OpenIDM 4.5+) or `extendedEventTypes`/`customEventTypes` (4.0) hold them. */
const topics = looseObject({
  activity: looseObject({
    filter: actionTopicFilter(ACTIVITY_ACTIONS).optional(),
    watchedFields: fieldList.optional(),
    passwordFields: fieldList.optional(),
  }).optional(),
  recon: looseObject({ filter: actionTopicFilter(ACTIONS).optional() }).optional(),
  sync: looseObject({ filter: looseObject({ fields: fields.optional(), script }).optional() }).optional(),
});

export const auditConfigSchema = looseObject({
  eventHandlers: z
    .array(
      looseObject({
        events: z.array(z.string()).optional(),
        config: looseObject({
          topics: z.array(z.string()).optional(),
          enabled: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
        }).optional(),
      }),
    )
    .optional(),
  eventTopics: topics.optional(),
  extendedEventTypes: topics.optional(),
  customEventTypes: topics.optional(),
});

export type AuditConfig = z.output<typeof auditConfigSchema>;

export const auditConfigFile = {
  match: (fileName: string) => fileName === 'audit.json',
  schema: auditConfigSchema,
  key: 'audit',
} satisfies ConfigFileEntry<typeof auditConfigSchema>;
