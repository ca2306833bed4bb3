// The data folder as the settings screen shows it: where the files are, how big the database
// is, and its backups (made on request, or by the app before each schema update).
import { archiveRestore, createBackup, dataInfo, listBackups, moveData, restoreBackup } from "$lib/api";
import type { AppError, BackupInfo, DataInfo, Moved, Restored } from "$lib/bindings";
import { toAppError } from "$lib/errors";

export type BackupKind = { kind: "manual" } | { kind: "schema"; version: number } | { kind: "other" };

/** What made a backup, read from its name (`manual-<time>`, `before-schema-<n>`). */
export function backupKind(name: string): BackupKind {
  if (name.startsWith("manual-")) return { kind: "manual" };
  const schema = /^before-schema-(\d+)$/.exec(name);
  if (schema) return { kind: "schema", version: Number(schema[1]) };
  return { kind: "other" };
}

export class DataFolder {
  info = $state.raw<DataInfo | null>(null);
  backups = $state.raw<BackupInfo[] | null>(null);
  loadError = $state.raw<AppError | null>(null);
  creating = $state(false);
  createError = $state.raw<AppError | null>(null);
  /** The backup just made (named in a confirmation, marked in the list). */
  created = $state.raw<BackupInfo | null>(null);

  /** The backups are listed even when the database cannot be opened: one of them is the way back. */
  async load(): Promise<void> {
    this.loadError = null;
    const [info, backups] = await Promise.allSettled([dataInfo(), listBackups()]);
    if (info.status === "fulfilled") this.info = info.value;
    else this.loadError = toAppError(info.reason);
    if (backups.status === "fulfilled") this.backups = backups.value;
    else this.loadError ??= toAppError(backups.reason);
  }

  async create(): Promise<void> {
    if (this.creating) return;
    this.creating = true;
    this.createError = null;
    this.created = null;
    try {
      const made = await createBackup();
      this.created = made;
      this.backups = [made, ...(this.backups ?? []).filter((b) => b.name !== made.name)];
    } catch (error) {
      this.createError = toAppError(error);
    } finally {
      this.creating = false;
    }
  }

  /** Moves the data to `folder`, then shows where it is now; rejects with an AppError (as the API does), the data staying where it was. */
  async move(folder: string): Promise<Moved> {
    const moved = await moveData(folder);
    this.created = null;
    await this.load();
    return moved;
  }

  /** The folder the database is in. */
  get folder(): string | null {
    const database = this.info?.database;
    if (!database) return null;
    const cut = Math.max(database.lastIndexOf("/"), database.lastIndexOf("\\"));
    return cut > 0 ? database.slice(0, cut) : database;
  }

  /** Swaps the backup in; rejects with an AppError, leaving the data as it was. */
  async restore(name: string): Promise<DataInfo> {
    const info = await restoreBackup(name);
    // The backups stay where they were; the replaced database is kept beside it, not among them.
    this.info = info;
    this.created = null;
    return info;
  }

  /** Restores a whole backup file, then shows the data it brought; rejects with an AppError, leaving the data as it was. */
  async restoreArchive(file: string): Promise<Restored> {
    const restored = await archiveRestore(file);
    this.created = null;
    await this.load();
    return restored;
  }
}
