import type { AuditEvent, AuditStore } from './ports/audit.store';
import type { ReconEntryEvent, ReconRunStore } from './ports/recon-run.store';
import { AgreedColumns, type ReconAuditContext } from './recon-audit';
import type { SyncOutcome } from './sync-run';

/** Entries held before a write; with the 1 s timer this bounds both memory and lag. */
const BATCH = 500;
/** Batches handed to the writer and not yet written beyond which `backlog()` makes the run wait. */
const MAX_QUEUED = 4;
/**
 * Batches written at the same time, each on a connection of its own. With one, PostgreSQL's inserts were the
 * slowest step of a recon that writes nothing else (bench:recon (b): the run waited on the audit trail a third
 * of its time while Concord's main thread sat idle); two keep a second PostgreSQL backend busy.
 */
const LANES = 2;
const INTERVAL_MS = 1_000;

/**
 * Writes a run's audit events and per-entry results in batches (one INSERT per batch; an entry is its audit
 * event, and a batch of one run's entries one row) instead of one INSERT per entry. Batches are written in
 * LANES lanes, each lane one batch at a time, so rows may reach the table out of order; entries are read back
 * in the run's order all the same, by their events' ids. A failed write is kept and rethrown by `close()` so the run
 * ends FAILED rather than silently losing its audit trail.
 */
export class ReconJournal {
  private events: AuditEvent[] = [];
  private entries: ReconEntryEvent[] = [];
  private readonly agreed: AgreedColumns;
  private readonly lanes: Promise<void>[] = Array.from({ length: LANES }, () => Promise.resolve());
  private nextLane = 0;
  private failure: Error | undefined;
  private queued = 0;
  /** `backlog()` calls waiting for the next batch to be written. */
  private readonly waiting: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditStore,
    private readonly runs: ReconRunStore,
    ctx: ReconAuditContext,
  ) {
    this.agreed = new AgreedColumns(ctx, BATCH);
    this.timer = setInterval(() => void this.flush(), INTERVAL_MS);
    this.timer.unref();
  }

  /** An audit event of the run that is no entry (its start, its summary). */
  add(event: AuditEvent): void {
    this.events.push(event);
    if (this.events.length >= BATCH) void this.flush();
  }

  /** A reported entry, which is written as its audit event (ReconRunStore.appendEntries). */
  addEntry(entry: ReconEntryEvent): void {
    this.entries.push(entry);
    if (this.entries.length >= BATCH) void this.flush();
  }

  /**
   * A reported entry in agreement (recon-audit.ts `isAgreed`), written as `addEntry` would write it: kept as
   * columns, its event made by the store (ReconRunStore.appendAgreed).
   */
  addAgreed(timestamp: string, outcome: SyncOutcome): void {
    if (!this.agreed.fits(outcome)) void this.flush();
    this.agreed.add(timestamp, outcome);
    if (this.agreed.size >= BATCH) void this.flush();
  }

  /** Hands what is held to the writer; resolves when everything handed over so far is written. */
  flush(): Promise<void> {
    const events = this.events;
    const entries = this.entries;
    const agreed = this.agreed.take();
    this.events = [];
    this.entries = [];
    if (events.length === 0 && entries.length === 0 && agreed === null) return this.written();
    this.queued += 1;
    const lane = this.nextLane;
    this.nextLane = (lane + 1) % LANES;
    this.lanes[lane] = (this.lanes[lane] as Promise<void>).then(async () => {
      try {
        if (this.failure !== undefined) return;
        await Promise.all([
          events.length === 0 ? undefined : this.audit.append('recon', events),
          entries.length === 0 ? undefined : this.runs.appendEntries(entries),
          agreed === null ? undefined : this.runs.appendAgreed(agreed),
        ]);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.queued -= 1;
        for (const wake of this.waiting.splice(0)) wake();
      }
    });
    return this.written();
  }

  /** Everything handed to the lanes so far, written (a failure is kept, never thrown here). */
  private written(): Promise<void> {
    return Promise.all(this.lanes).then(() => undefined);
  }

  /**
   * Resolves once no more than MAX_QUEUED batches wait for the database (memory stays bounded). It waits for
   * the next batch to be written, not for a lane: racing the lanes, an idle one answered at once, and with
   * the other lane stuck the run spun on promises without ever letting the database's answer in (bench:recon
   * (b) once grew to 4 GB so and died).
   */
  async backlog(): Promise<void> {
    while (this.queued > MAX_QUEUED) await new Promise<void>((wake) => this.waiting.push(wake));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.failure !== undefined) throw this.failure;
  }
}
