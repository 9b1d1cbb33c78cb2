import { Injectable, Logger, Optional } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-error';
import { ManagedService } from '../managed/managed.service';
import { ScriptRunner } from '../scripting/script-runner';
import { FieldCrypto } from '../security/field-crypto';
import {
  LiveSyncLauncher,
  ReconLauncher,
  ScheduledTaskInvoker,
  type FireContext,
  type ScheduledJob,
  type TaskResult,
} from './ports/task-invoker';
import { ScheduledScriptFacade } from './scheduled-script.facade';
import { SchedulerSettings } from './scheduler.settings';

/** Scheduled scripts may run longer than sync.json scripts (1 s), but they hold the event loop meanwhile. */
const SCRIPT_TIMEOUT_MS = 10_000;

/**
 * Runs a fire by its `invokeService`: scripts here, recons and live sync through the engine's launchers.
 * Until the engine binds a launcher, such a fire fails with a message naming what is missing.
 */
@Injectable()
export class ServiceTaskInvoker extends ScheduledTaskInvoker {
  private readonly logger = new Logger('ScheduledScript');

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly managed: ManagedService,
    private readonly crypto: FieldCrypto,
    @Optional() private readonly recon?: ReconLauncher,
    @Optional() private readonly liveSync?: LiveSyncLauncher,
  ) {
    super();
  }

  async invoke(job: ScheduledJob, fire: FireContext): Promise<TaskResult> {
    const invocation = job.schedule.invocation;
    switch (invocation.service) {
      case 'sync': {
        if (!this.recon) throw unavailable('reconciliation (invokeService "sync")', 'the sync engine');
        const run = await this.recon.runToCompletion(invocation.mapping, {
          action: invocation.action,
          ids: invocation.ids,
          jobId: job.id,
          fire,
        });
        return { reconId: run.reconId, state: run.state };
      }
      case 'provisioner': {
        if (!this.liveSync) throw unavailable('live sync (invokeService "provisioner")', 'live sync');
        const result = await this.liveSync.liveSync(invocation.source, fire);
        return result.state === undefined ? {} : { state: result.state };
      }
      case 'script':
        return this.runScript(job, invocation.script, invocation.input, fire);
      case 'taskScanner':
        throw new DomainError(
          'NOT_SUPPORTED',
          'invokeService "taskScanner" is not supported by Concord; use a "script" schedule that queries and updates the objects instead',
        );
    }
  }

  private async runScript(
    job: ScheduledJob,
    script: Extract<ScheduledJob['schedule']['invocation'], { service: 'script' }>['script'],
    input: unknown,
    fire: FireContext,
  ): Promise<TaskResult> {
    // One runner per fire: a script file edited between fires is read again.
    const runner = new ScriptRunner({
      projectDir: this.settings.projectDir,
      openidm: new ScheduledScriptFacade(this.managed, this.crypto),
      logger: { log: (level, message, meta) => this.log(level, `${message} (${meta.script})`) },
      timeoutMs: SCRIPT_TIMEOUT_MS,
    });
    await runner.run(script, {
      input: {
        ...(typeof input === 'object' && input !== null ? input : {}),
        jobId: job.id,
        'scheduled-fire-time': fire.scheduledFireTime,
        'actual-fire-time': fire.actualFireTime,
      },
    });
    return {};
  }

  private log(level: string, message: string): void {
    if (level === 'error') this.logger.error(message);
    else if (level === 'warn') this.logger.warn(message);
    else if (level === 'info') this.logger.log(message);
    else this.logger.debug(message);
  }
}

function unavailable(what: string, provider: string): DomainError {
  return new DomainError(
    'UNAVAILABLE',
    `Scheduled ${what} cannot run: ${provider} is not available in this Concord build yet`,
  );
}
