import cron, { type ScheduledTask } from 'node-cron';

/** Port: the time, so that tests can pin it. */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** Port: calls `onTick` about once a second; the scheduler decides on each tick what is due. */
export abstract class SchedulerTicker {
  abstract start(onTick: () => void): void;
  abstract stop(): Promise<void>;
}

/**
 * node-cron drives the ticks: one six-field task firing at every second boundary. Fire instants are
 * computed by the Quartz core (node-cron lacks Quartz's `?`, `L`, `W`, `#` numbering and the year field), so
 * node-cron only wakes the scheduler, close to the instant that is due.
 */
export class NodeCronTicker extends SchedulerTicker {
  private task: ScheduledTask | undefined;

  start(onTick: () => void): void {
    this.task = cron.schedule('* * * * * *', () => onTick(), {
      name: 'concord-scheduler-tick',
      // A blocked event loop is caught up by the scheduler itself (misfire rules), not reported per tick.
      suppressMissedWarning: true,
    });
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}
