/** Runs sync.json scripts in a node:vm sandbox for the sync engine (see script-runner.ts). */
export * from './script-facade';
export { ScriptRunner, type RunOptions, type ScriptOutcome, type ScriptRunnerOptions } from './script-runner';
