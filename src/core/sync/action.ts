/**
 * The ten sync actions of OpenIDM's `ReconAction` enum, as data. Config policies may only name these
 * (checked when sync.json loads); script actions must return one of them at run time.
 */
export const ACTIONS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'LINK',
  'UNLINK',
  'EXCEPTION',
  'IGNORE',
  'REPORT',
  'NOREPORT',
  'ASYNC',
] as const;

export type Action = (typeof ACTIONS)[number];

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

export function isAction(name: unknown): name is Action {
  return typeof name === 'string' && ACTION_SET.has(name);
}

/**
 * Whether the active policy's `postAction` runs after this action. OpenIDM runs it after every action that
 * completes normally except IGNORE and ASYNC (nothing happened yet) and EXCEPTION (the operation failed).
 */
export function runsPostAction(action: Action): boolean {
  return action !== 'IGNORE' && action !== 'ASYNC' && action !== 'EXCEPTION';
}

/** NOREPORT is the one action that leaves no recon audit entry (failures are always audited). */
export function isAudited(action: Action): boolean {
  return action !== 'NOREPORT';
}

/** Actions that remove data or the record that two objects belong together; counted by the delete threshold. */
export function isDestructive(action: Action): boolean {
  return action === 'DELETE' || action === 'UNLINK';
}

/** Actions that write the target object (CREATE/UPDATE/DELETE); LINK and UNLINK touch only the link. */
export function writesTarget(action: Action): boolean {
  return action === 'CREATE' || action === 'UPDATE' || action === 'DELETE';
}
