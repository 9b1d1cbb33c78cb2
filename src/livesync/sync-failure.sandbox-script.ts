import { Injectable, Logger } from '@nestjs/common';
import type { ScriptSpec } from '../core/sync/script';
import { DomainError } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import { ScriptRunner } from '../scripting/script-runner';
import { FieldCrypto } from '../security/field-crypto';
import { ObjectSets } from '../sync/object-sets';
import { SyncScriptFacade } from '../sync/sync-script.facade';
import { SyncFailureScript } from './sync-failure.script';

/** Where script `file` paths start: the project directory. */
export class ScriptProjectDir {
  constructor(readonly path: string) {}
}

/** Runs the failure script in the sync scripts' sandbox, with `openidm` over the engine's object sets. */
@Injectable()
export class SandboxSyncFailureScript extends SyncFailureScript {
  private readonly logger = new Logger('SyncFailureScript');
  private runner: ScriptRunner | undefined;

  constructor(
    private readonly projectDir: ScriptProjectDir,
    private readonly sets: ObjectSets,
    private readonly crypto: FieldCrypto,
  ) {
    super();
  }

  async run(script: JsonObject, scope: JsonObject, where: string): Promise<void> {
    const source = script.source;
    const file = script.file;
    if (typeof source !== 'string' && typeof file !== 'string') {
      throw new DomainError(
        'CONFLICT',
        `The syncFailureHandler script of ${where} has neither source nor file`,
      );
    }
    const globals = script.globals;
    const spec: ScriptSpec = {
      type: 'text/javascript',
      ...(typeof source === 'string' ? { source } : {}),
      ...(typeof file === 'string' ? { file } : {}),
      globals: typeof globals === 'object' && globals !== null && !Array.isArray(globals) ? globals : {},
      extra: {},
      where: `syncFailureHandler of ${where}`,
    };
    await this.scriptRunner().run(spec, scope);
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
