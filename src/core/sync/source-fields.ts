import type { Mapping } from './sync-config.types';

/**
 * The top-level source fields a recon of `mapping` can ever read, or null when something may read the whole
 * source object. Only plain property mappings (`"source": "cn"`, a transform seeing that value alone) name
 * their fields; a script or filter that sees the source (`validSource`, `sourceCondition`, correlation, a
 * link-qualifier script, a policy condition, action script or postAction, a property condition, a hook) or
 * `"source": ""` may look at anything. Recon then asks the source query for these fields only, as OpenIDM's
 * tuning guide advises with `_fields`: what the mapping computes is the same, and the directory sends, and
 * Concord parses, only what is used (no `ldapGroups` search, no unused attributes).
 */
export function sourceFieldsRead(mapping: Mapping): string[] | null {
  if (mapping.validSource !== undefined || mapping.sourceCondition !== undefined) return null;
  if (mapping.correlation !== undefined || mapping.linkQualifiers.kind === 'script') return null;
  const { onCreate, onUpdate, onDelete, onLink, onUnlink, defaultMapping, postMapping } = mapping.hooks;
  const hooks = [onCreate, onUpdate, onDelete, onLink, onUnlink, defaultMapping, postMapping];
  if (hooks.some((hook) => hook !== undefined)) return null;
  const scriptedPolicy = mapping.policies.some(
    (p) => p.condition !== undefined || typeof p.action !== 'string' || p.postAction !== undefined,
  );
  if (scriptedPolicy) return null;
  const fields = new Set<string>();
  for (const property of mapping.properties) {
    if (property.condition !== undefined) return null;
    if (property.source === undefined) continue;
    const [field] = property.source;
    // A name that `_fields` cannot carry as it is (a list separator, pointer syntax): read everything.
    if (field === undefined || /[,/~]/.test(field) || field.trim() !== field || field === '') return null;
    fields.add(field);
  }
  return [...fields];
}
