import type { z } from 'zod';
import { isPlainObject } from '../json-pointer/json-pointer';

/**
 * Rules that span mappings or keys of sync.json, checked on the raw document so that they are reported
 * together with field errors (one start lists every problem). The document may be malformed here: read it
 * defensively and leave shape errors to the schema.
 */
export function checkSyncDocument(document: unknown, ctx: z.core.$RefinementCtx): void {
  const mappings = isPlainObject(document) && Array.isArray(document['mappings']) ? document['mappings'] : [];
  const byName = new Map<string, { index: number; mapping: Record<string, unknown> }>();
  mappings.forEach((mapping: unknown, index) => {
    if (!isPlainObject(mapping) || typeof mapping['name'] !== 'string') return;
    const first = byName.get(mapping['name']);
    if (first === undefined) byName.set(mapping['name'], { index, mapping });
    else
      issue(
        ctx,
        [index, 'name'],
        `expected a unique mapping name, got "${mapping['name']}" again (first at /mappings/${first.index})`,
      );
  });
  mappings.forEach((mapping: unknown, index) => {
    if (!isPlainObject(mapping)) return;
    if (mapping['correlationQuery'] !== undefined && mapping['correlationScript'] !== undefined) {
      issue(
        ctx,
        [index, 'correlationScript'],
        'expected either "correlationQuery" or "correlationScript", got both',
      );
    }
    checkCorrelationQualifiers(mapping, index, ctx);
    checkLinks(mapping, index, byName, ctx);
  });
}

function checkLinks(
  mapping: Record<string, unknown>,
  index: number,
  byName: ReadonlyMap<string, { index: number; mapping: Record<string, unknown> }>,
  ctx: z.core.$RefinementCtx,
): void {
  const links = mapping['links'];
  if (typeof links !== 'string' || links === mapping['name']) return;
  const path = [index, 'links'];
  const owner = byName.get(links);
  if (owner === undefined) {
    issue(ctx, path, `expected the name of a mapping in this file, got "${links}" (no such mapping)`);
    return;
  }
  const other = owner.mapping;
  if (typeof other['links'] === 'string' && other['links'] !== other['name']) {
    issue(
      ctx,
      path,
      `expected a mapping that defines its own links, got "${links}", which itself uses the links of "${other['links']}"`,
    );
    return;
  }
  const same = other['source'] === mapping['source'] && other['target'] === mapping['target'];
  const swapped = other['source'] === mapping['target'] && other['target'] === mapping['source'];
  if (!same && !swapped) {
    issue(
      ctx,
      path,
      `expected a mapping with the same or swapped source and target, got "${links}" ` +
        `(${String(other['source'])} -> ${String(other['target'])}; this mapping: ` +
        `${String(mapping['source'])} -> ${String(mapping['target'])})`,
    );
  }
}

/** Two correlation queries for one link qualifier would make the choice depend on array order. */
function checkCorrelationQualifiers(
  mapping: Record<string, unknown>,
  index: number,
  ctx: z.core.$RefinementCtx,
): void {
  const queries = mapping['correlationQuery'];
  if (!Array.isArray(queries)) return;
  const seen = new Set<string>();
  queries.forEach((query: unknown, position) => {
    if (!isPlainObject(query)) return;
    const qualifier = query['linkQualifier'] ?? 'default';
    if (typeof qualifier !== 'string') return;
    if (seen.has(qualifier)) {
      issue(
        ctx,
        [index, 'correlationQuery', position, 'linkQualifier'],
        `expected one correlation query per link qualifier, got "${qualifier}" again`,
      );
    }
    seen.add(qualifier);
  });
}

function issue(ctx: z.core.$RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path: ['mappings', ...path], message });
}
