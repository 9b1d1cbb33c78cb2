import { Injectable, Logger } from '@nestjs/common';
import { ScriptRunner } from '../scripting/script-runner';
import type { ScriptLogLevel } from '../scripting/script-facade';
import { FieldCrypto } from '../security/field-crypto';
import { ObjectSets } from './object-sets';
import { SyncSettings } from './sync-mappings';
import { SyncScriptFacade, type SyncActionHandler } from './sync-script.facade';

/** Makes the script runner of a run: scripts compiled once per run, `openidm` over the engine's object sets. */
@Injectable()
export class SyncScripts {
  private readonly logger = new Logger('SyncScript');
  private actionHandler: SyncActionHandler | undefined;

  constructor(
    private readonly sets: ObjectSets,
    private readonly crypto: FieldCrypto,
    private readonly settings: SyncSettings,
  ) {}

  /** `openidm.action('sync', ...)` from scripts; set by SyncService (which itself runs scripts). */
  handleSyncActions(handler: SyncActionHandler): void {
    this.actionHandler = handler;
  }

  create(readOnly: boolean): ScriptRunner {
    const openidm = new SyncScriptFacade({
      sets: this.sets,
      crypto: this.crypto,
      readOnly,
      ...(this.actionHandler === undefined ? {} : { syncAction: this.actionHandler }),
    });
    return new ScriptRunner({
      projectDir: this.settings.projectDir,
      openidm,
      logger: {
        log: (level: ScriptLogLevel, message: string, meta: { script: string }) => {
          const text = `${message} (${meta.script})`;
          if (level === 'error') this.logger.error(text);
          else if (level === 'warn') this.logger.warn(text);
          else if (level === 'info') this.logger.log(text);
          else this.logger.debug(text);
        },
      },
    });
  }
}
