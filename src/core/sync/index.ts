/** The sync decision core: config model, situations, policies, property mapping, links. No I/O. */
export * from './action';
export * from './correlation';
export * from './delete-threshold';
export * from './deleted-source-situation';
export * from './link';
export * from './link-qualifier';
export * from './policy';
export * from './property-mapping';
export * from './script';
export * from './situation';
export * from './source-fields';
export * from './source-situation';
export * from './sync-config.compiler';
export type * from './sync-config.types';
export * from './target-plan';
export * from './target-situation';
export * from './validity';
