import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import type { ScriptSpec } from '../core/sync/script';
import { DomainError } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import { ScriptRunner } from '../scripting/script-runner';
import { FieldCrypto } from '../security/field-crypto';
import { ObjectSets } from '../sync/object-sets';
import { SyncScriptFacade } from '../sync/sync-script.facade';
import { SyncFailureScript, type DelegatedFailureAction } from './sync-failure.script';

/** Where script `file` paths start: the project directory. */
export class ScriptProjectDir {
  constructor(readonly path: string) {}
}

/** The global the prelude's handlers set; read back after the run. */
const DELEGATED = '__syncFailureHandledBy';

/**
 * OpenIDM's `failureHandlers.loggedIgnore` and `failureHandlers.deadLetterQueue`, whose `invoke(syncFailure,
 * failureCause)` hands the change to a built-in handler. The sandbox passes only JSON into a script, so the
 * handlers are defined by script code that notes the choice; the host then carries it out. On the script's first
 * line (sloppy-mode globals, removed before the next run), so error line numbers stay those of the file.
 */
const PRELUDE =
  `${DELEGATED} = null; failureHandlers = Object.freeze({ ` +
  `loggedIgnore: Object.freeze({ invoke: function () { ${DELEGATED} = 'logged-ignore'; } }), ` +
  `deadLetterQueue: Object.freeze({ invoke: function () { ${DELEGATED} = 'dead-letter-queue'; } }) }); `;

/** Runs the failure script in the sync scripts' sandbox, with `openidm` over the engine's object sets. */
@Injectable()
export class SandboxSyncFailureScript extends SyncFailureScript {
  private readonly logger = new Logger('SyncFailureScript');
  private runner: ScriptRunner | undefined;
  /** The spec of each configured script object, so the runner compiles it once. */
  private readonly specs = new WeakMap<JsonObject, ScriptSpec>();

  constructor(
    private readonly projectDir: ScriptProjectDir,
    private readonly sets: ObjectSets,
    private readonly crypto: FieldCrypto,
  ) {
    super();
  }

  async run(script: JsonObject, scope: JsonObject, where: string): Promise<DelegatedFailureAction | null> {
    const spec = this.specs.get(script) ?? this.specFor(script, where);
    this.specs.set(script, spec);
    const outcome = await this.scriptRunner().run(spec, scope, { capture: [DELEGATED] });
    const delegated = outcome.variables[DELEGATED];
    return delegated === 'logged-ignore' || delegated === 'dead-letter-queue' ? delegated : null;
  }

  private specFor(script: JsonObject, where: string): ScriptSpec {
    const globals = script.globals;
    return {
      type: 'text/javascript',
      source: PRELUDE + this.sourceOf(script, where),
      globals: typeof globals === 'object' && globals !== null && !Array.isArray(globals) ? globals : {},
      extra: {},
      where: `syncFailureHandler of ${where}`,
    };
  }

  private sourceOf(script: JsonObject, where: string): string {
    if (typeof script.source === 'string') return script.source;
    if (typeof script.file !== 'string') {
      throw new DomainError(
        'CONFLICT',
        `The syncFailureHandler script of ${where} has neither source nor file`,
      );
    }
    const path = resolve(this.projectDir.path, script.file);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new DomainError(
        'CONFLICT',
        `The syncFailureHandler script file ${path} of ${where} cannot be read`,
      );
    }
  }

  /** One runner for the process: the script is compiled once, on first use. */
  private scriptRunner(): ScriptRunner {
    this.runner ??= new ScriptRunner({
      projectDir: this.projectDir.path,
      openidm: new SyncScriptFacade({ sets: this.sets, crypto: this.crypto }),
      logger: {
        log: (level, message) => {
          if (level === 'error') this.logger.error(message);
          else if (level === 'warn') this.logger.warn(message);
          else this.logger.log(message);
        },
      },
    });
    return this.runner;
  }
}
