import { badRequest } from '../errors/domain-error';

/**
 * What an `If-Match` header asks for: any revision (`*` or no header) or one revision.
 * CREST clients send `"3"`, `3` or the weak form `W/"3"`; Concord revisions are integers, so any other
 * text can never match and is reported as a stale revision (412) by the caller.
 */
export type RevisionCondition = { kind: 'any' } | { kind: 'exact'; rev: number | null; text: string };

export function parseIfMatch(header: string | undefined): RevisionCondition {
  if (header === undefined || header.trim() === '*') return { kind: 'any' };
  const text = header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  const rev = /^\d{1,15}$/.test(text) ? Number(text) : null;
  return { kind: 'exact', rev, text };
}

/** `If-None-Match` on PUT: only `*` (create only) is meaningful; anything else is a 400 as in CREST. */
export function parseIfNoneMatchForPut(header: string | undefined): 'create-only' | 'none' {
  if (header === undefined) return 'none';
  if (header.trim() === '*') return 'create-only';
  throw badRequest(`If-None-Match must be '*' on PUT, got '${header}'`);
}
