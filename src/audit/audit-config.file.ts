import { z } from 'zod';
import type { ConfigFileEntry } from '../config/config-file.registry';
import { looseObject } from '../config/schema.helpers';
import { parsePointer } from '../core/json-pointer/json-pointer';

/** Property names or JSON pointers (`mail`, `/address/city`), as OpenIDM's audit.json lists them. */
const fieldList = z.array(
  z
    .string()
    .min(1)
    .superRefine((field, ctx) => {
      try {
        parsePointer(field);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
);

/**
 * The part of OpenIDM's `audit.json` Concord uses: which changes of a managed object the `audit/activity` event
 * names (`eventTopics.activity.watchedFields`, `passwordFields`). Event handlers and the rest are OpenIDM's own
 * and pass through.
 */
export const auditConfigSchema = looseObject({
  eventTopics: looseObject({
    activity: looseObject({
      watchedFields: fieldList.optional(),
      passwordFields: fieldList.optional(),
    }).optional(),
  }).optional(),
});

export type AuditConfig = z.output<typeof auditConfigSchema>;

export const auditConfigFile = {
  match: (fileName: string) => fileName === 'audit.json',
  schema: auditConfigSchema,
  key: 'audit',
} satisfies ConfigFileEntry<typeof auditConfigSchema>;
