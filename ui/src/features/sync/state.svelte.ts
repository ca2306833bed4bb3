// The sync screen's state: the status the background task reports (events), the outbox, and
// the enrolment form.
import { onSyncStatus, syncEnrol, syncForget, syncNow, syncOutbox, syncStatus } from "$lib/api";
import type { AppError, EnrolWith, OutboxRow, SyncStatus } from "$lib/bindings";
import { toAppError } from "$lib/errors";

export type EnrolMethod = "password" | "code" | "qr";

export class SyncState {
  status = $state.raw<SyncStatus | null>(null);
  outbox = $state.raw<OutboxRow[]>([]);
  error = $state.raw<AppError | null>(null);
  enrolError = $state.raw<AppError | null>(null);
  enrolling = $state(false);
  private stop: (() => void) | null = null;

  async load() {
    this.error = null;
    try {
      const [status, outbox] = await Promise.all([syncStatus(), syncOutbox()]);
      this.status = status;
      this.outbox = outbox;
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Follows the background task; the outbox is read again when a sync ends. */
  async listen() {
    this.stop?.();
    let previous = this.status?.state;
    this.stop = await onSyncStatus((status) => {
      this.status = status;
      if (previous === "syncing" && status.state !== "syncing") void this.refreshOutbox();
      previous = status.state;
    });
  }

  close() {
    this.stop?.();
    this.stop = null;
  }

  async refreshOutbox() {
    try {
      this.outbox = await syncOutbox();
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  async now() {
    try {
      await syncNow();
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  async enrol(server: string, method: EnrolWith, deviceName: string): Promise<boolean> {
    this.enrolling = true;
    this.enrolError = null;
    try {
      this.status = await syncEnrol(server.trim() || null, method, deviceName);
      return true;
    } catch (e) {
      this.enrolError = toAppError(e);
      return false;
    } finally {
      this.enrolling = false;
    }
  }

  async forget() {
    try {
      await syncForget();
      await this.load();
    } catch (e) {
      this.error = toAppError(e);
    }
  }
}

/** Counts of the outbox by state. */
export function countByState(rows: OutboxRow[]): Record<string, number> {
  const counts: Record<string, number> = { waiting: 0, sending: 0, sent: 0, rejected: 0, conflict: 0 };
  for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
  return counts;
}
