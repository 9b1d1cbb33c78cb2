import { conflict } from '../core/errors/domain-error';
import type { Mapping } from '../core/sync/sync-config.types';

/** The project's sync.json mappings, compiled at start-up, in file order. */
export class SyncMappings {
  constructor(readonly all: readonly Mapping[]) {}

  /** OpenIDM answers an unknown mapping with 409 "No such mapping: x". */
  get(name: string): Mapping {
    const mapping = this.all.find((m) => m.name === name);
    if (mapping === undefined) throw conflict(`No such mapping: ${name}`, { mapping: name });
    return mapping;
  }

  /** Mappings that implicit and live sync run for a change of `set` (§5.1: `enableSync` not false), in file order. */
  syncedFrom(set: string): Mapping[] {
    return this.all.filter((m) => m.source === set && m.enableSync);
  }

  /** Mappings whose source or target is `set`, for getLinkedResources. */
  touching(set: string): Mapping[] {
    return this.all.filter((m) => m.source === set || m.target === set);
  }
}

/** Where script files live and which node this is. */
export class SyncSettings {
  constructor(
    readonly projectDir: string,
    readonly nodeId: string,
  ) {}
}
