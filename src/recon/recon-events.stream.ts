import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ReconService } from '../sync/recon.service';

const INTERVAL_MS = 1_000;

export function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && accept.toLowerCase().includes('text/event-stream');
}

interface FailureEntry {
  sourceObjectId?: string | null;
  targetObjectId?: string | null;
  message?: string | null;
}

/**
 * Live progress of a run as Server-Sent Events: every second `{progress, situationSummary, statusSummary}`,
 * a `{"log": {...}}` event per failed entry, and a final `{"ok": true, "summary": ...}` or
 * `{"ok": false, "error": {"message": ...}}`. Everything is read from the run store, so a run of another
 * node, or one that has already ended, can be followed the same way.
 */
@Injectable()
export class ReconEventStream {
  constructor(private readonly recon: ReconService) {}

  async stream(id: string, request: Request, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let open = true;
    request.on('close', () => {
      open = false;
    });
    const send = (data: unknown): void => {
      if (open) res.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    let failuresSent = 0;
    try {
      for (;;) {
        const summary = await this.recon.stored(id);
        failuresSent = await this.sendFailures(id, failuresSent, send);
        if (summary.state !== 'ACTIVE') {
          if (summary.state === 'SUCCESS') send({ ok: true, summary });
          else send({ ok: false, error: { message: failureMessage(summary) }, summary });
          break;
        }
        send({
          progress: summary['progress'],
          situationSummary: summary['situationSummary'],
          statusSummary: summary['statusSummary'],
        });
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
        if (!open) return;
      }
    } catch (error) {
      send({ ok: false, error: { message: error instanceof Error ? error.message : String(error) } });
    }
    res.end();
  }

  /** Failed entries not sent yet, in the order they were recorded. */
  private async sendFailures(id: string, already: number, send: (data: unknown) => void): Promise<number> {
    let sent = already;
    for (;;) {
      const page = await this.recon.entries(id, {
        _queryFilter: 'status eq "FAILURE"',
        _pagedResultsOffset: String(sent),
        _pageSize: '100',
      });
      for (const entry of page.result as FailureEntry[]) {
        const subject = entry.sourceObjectId ?? entry.targetObjectId ?? '';
        send({
          log: {
            timestamp: new Date().toISOString(),
            severity: 'ERROR',
            message: `${subject}: ${entry.message ?? ''}`,
          },
        });
      }
      sent += page.result.length;
      if (page.result.length < 100) return sent;
    }
  }
}

function failureMessage(summary: Record<string, unknown>): string {
  const error = summary['error'];
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return summary['state'] === 'CANCELED' ? 'Reconciliation was canceled' : 'Reconciliation failed';
}
