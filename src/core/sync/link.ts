import type { Action } from './action';
import type { LinkSpec } from './sync-config.types';

/**
 * A row of OpenIDM's `links` table (§3): unique per (linkType, linkQualifier, firstId) and per
 * (linkType, linkQualifier, secondId), so per qualifier a source has at most one target and vice versa.
 * `firstId` is always the *defining* mapping's source id; ids are local (unqualified).
 */
export interface LinkRecord {
  readonly _id: string;
  readonly _rev: string;
  readonly linkType: string;
  readonly linkQualifier: string;
  readonly firstId: string;
  readonly secondId: string;
}

export type LinkKey = Omit<LinkRecord, '_id' | '_rev'>;

/** A link with recon's stamp (unchanged-stamp.ts), as the link prefetch reads it; null when none. */
export interface StampedLinkRecord extends LinkRecord {
  readonly stamp: string | null;
}

/** A link to create, with the stamp to store along (recon's CREATE batches). */
export interface StampedLinkKey extends LinkKey {
  readonly stamp?: string | null;
}

/** A stamp to store on an existing link. */
export interface LinkStamp {
  readonly linkId: string;
  readonly stamp: string;
}

export type LinkColumn = 'firstId' | 'secondId';

/** The column holding this mapping's source ids: `secondId` when it uses another mapping's links in reverse. */
export function sourceColumn(spec: LinkSpec): LinkColumn {
  return spec.reversed ? 'secondId' : 'firstId';
}

export function targetColumn(spec: LinkSpec): LinkColumn {
  return spec.reversed ? 'firstId' : 'secondId';
}

/**
 * Ids of a case-insensitive side are stored and compared lower-cased (§12.2 #10); only the defining
 * mapping's `sourceIdsCaseSensitive`/`targetIdsCaseSensitive` count, already oriented in `LinkSpec`.
 */
export function normaliseId(id: string, caseSensitive: boolean): string {
  return caseSensitive ? id : id.toLowerCase();
}

export function normaliseSourceId(spec: LinkSpec, id: string): string {
  return normaliseId(id, spec.sourceIdsCaseSensitive);
}

export function normaliseTargetId(spec: LinkSpec, id: string): string {
  return normaliseId(id, spec.targetIdsCaseSensitive);
}

/** This mapping's source id in a link. */
export function linkSourceId(spec: LinkSpec, link: LinkKey): string {
  return link[sourceColumn(spec)];
}

/** This mapping's target id in a link. */
export function linkTargetId(spec: LinkSpec, link: LinkKey): string {
  return link[targetColumn(spec)];
}

/** The link row for a (source, target) pair of this mapping, oriented and normalised. */
export function linkBetween(
  spec: LinkSpec,
  linkQualifier: string,
  sourceId: string,
  targetId: string,
): LinkKey {
  const source = normaliseSourceId(spec, sourceId);
  const target = normaliseTargetId(spec, targetId);
  return {
    linkType: spec.type,
    linkQualifier,
    firstId: spec.reversed ? target : source,
    secondId: spec.reversed ? source : target,
  };
}

/**
 * What an action does to the link (§2.5): CREATE links the new target, re-pointing an existing link
 * rather than adding a second one (MISSING → CREATE, §12.2 #6); UPDATE and LINK link the target when
 * not yet linked or re-point a link to another target; DELETE and UNLINK remove an existing link (a
 * missing link is ignored). Ids must be normalised.
 */
export type LinkChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'create'; readonly targetId: string }
  | { readonly kind: 'repoint'; readonly from: string; readonly targetId: string }
  | { readonly kind: 'delete'; readonly targetId: string };

/**
 * @param linkedTargetId the target of the existing link, or null.
 * @param targetId the target the action is about (for CREATE: the id of the created object).
 */
export function planLinkChange(
  action: Action,
  linkedTargetId: string | null,
  targetId: string | null,
  enableLinking = true,
): LinkChange {
  if (!enableLinking) return { kind: 'none' };
  switch (action) {
    case 'CREATE':
    case 'UPDATE':
    case 'LINK':
      if (targetId === null) return { kind: 'none' };
      if (linkedTargetId === null) return { kind: 'create', targetId };
      return linkedTargetId === targetId
        ? { kind: 'none' }
        : { kind: 'repoint', from: linkedTargetId, targetId };
    case 'DELETE':
    case 'UNLINK':
      return linkedTargetId === null ? { kind: 'none' } : { kind: 'delete', targetId: linkedTargetId };
    case 'EXCEPTION':
    case 'IGNORE':
    case 'REPORT':
    case 'NOREPORT':
    case 'ASYNC':
      return { kind: 'none' };
  }
}
