import type { AuditEvent, AuditStore } from './ports/audit.store';
import type { ReconEntryRecord, ReconRunStore } from './ports/recon-run.store';

/** Entries held before a write; with the 1 s timer this bounds both memory and lag. */
const BATCH = 500;
/** Batches handed to the writer and not yet written beyond which `backlog()` makes the run wait. */
const MAX_QUEUED = 4;
const INTERVAL_MS = 1_000;

/**
 * Writes a run's audit events and per-entry results in batches (one multi-row INSERT per batch and
 * table) instead of one INSERT per entry. Writes happen one batch at a time, in order. A failed write is
 * kept and rethrown by `close()` so the run ends FAILED rather than silently losing its audit trail.
 */
export class ReconJournal {
  private events: AuditEvent[] = [];
  private entries: ReconEntryRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private queued = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditStore,
    private readonly runs: ReconRunStore,
  ) {
    this.timer = setInterval(() => void this.flush(), INTERVAL_MS);
    this.timer.unref();
  }

  add(event: AuditEvent | null, entry: ReconEntryRecord | null): void {
    if (event !== null) this.events.push(event);
    if (entry !== null) this.entries.push(entry);
    if (this.events.length >= BATCH || this.entries.length >= BATCH) void this.flush();
  }

  /** Hands what is held to the writer; resolves when everything handed over so far is written. */
  flush(): Promise<void> {
    const events = this.events;
    const entries = this.entries;
    this.events = [];
    this.entries = [];
    if (events.length === 0 && entries.length === 0) return this.writing;
    this.queued += 1;
    this.writing = this.writing.then(async () => {
      try {
        if (this.failure !== undefined) return;
        await Promise.all([this.audit.append('recon', events), this.runs.appendEntries(entries)]);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.queued -= 1;
      }
    });
    return this.writing;
  }

  /** Resolves once no more than MAX_QUEUED batches wait for the database (memory stays bounded). */
  async backlog(): Promise<void> {
    while (this.queued > MAX_QUEUED) await this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.failure !== undefined) throw this.failure;
  }
}
