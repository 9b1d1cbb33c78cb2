import { badRequest } from '../core/errors/domain-error';

/** A live-sync source `system/<name>/<objectType>`, and OpenIDM's id for its token. */
export interface LiveSyncSource {
  readonly path: string;
  readonly system: string;
  readonly objectType: string;
  /** `SYSTEMLDAPACCOUNT`: the path without `/`, upper-cased (`repo/synchronisation/pooledSyncStage/<id>`). */
  readonly stageId: string;
}

export function parseLiveSyncSource(source: string | undefined): LiveSyncSource {
  const path = (source ?? '').trim().replace(/^\/+|\/+$/g, '');
  const match = /^system\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match?.[1] || !match[2]) {
    throw badRequest(`Live sync needs a source system/<name>/<objectType>, got '${path.slice(0, 200)}'`);
  }
  return { path, system: match[1], objectType: match[2], stageId: path.replace(/\//g, '').toUpperCase() };
}
