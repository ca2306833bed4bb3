import type { OutboxRow, SyncStatus } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import SyncScreen from "./SyncScreen.svelte";
import { SyncState } from "./state.svelte";

const listeners = vi.hoisted(() => ({ status: null as ((s: unknown) => void) | null }));
const api = vi.hoisted(() => ({
  syncStatus: vi.fn(),
  onSyncStatus: vi.fn(async (listener: (s: unknown) => void) => {
    listeners.status = listener;
    return () => {};
  }),
  syncOutbox: vi.fn(),
  syncNow: vi.fn(async () => undefined),
  syncEnrol: vi.fn(),
  syncForget: vi.fn(async () => undefined),
  pickPicture: vi.fn(),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: "not_enrolled",
    server: null,
    user: null,
    last_success: null,
    error: null,
    next_try_seconds: null,
    progress: null,
    last_report: null,
    ...over,
  };
}

function row(seq: number, state: string, code: string | null = null, reason: string | null = null): OutboxRow {
  return {
    seq,
    kind: "assessment",
    record_id: `0192f5c4-0000-7b31-9c55-00000000000${seq}`,
    revision: 1,
    product: "Keripik Pisang Kepok",
    producer: "KWT Melati Sejahtera",
    state,
    code,
    reason,
    created_at: "2026-11-20T08:00:00Z",
    settled_at: state === "waiting" ? null : "2026-11-21T09:30:00Z",
  };
}

describe("the sync screen", () => {
  beforeEach(() => {
    setLang("en");
    vi.clearAllMocks();
    api.syncOutbox.mockResolvedValue([]);
  });

  it("enrols with a one-time code and the server's address, then shows the server", async () => {
    api.syncStatus.mockResolvedValue(status());
    api.syncEnrol.mockResolvedValue(status({ state: "syncing", server: "https://dinas.example.go.id", user: "budi" }));
    const user = userEvent.setup();
    render(SyncScreen, { sync: new SyncState() });
    expect(await screen.findByTestId("sync-state")).toHaveTextContent("This laptop is not enrolled");
    const submit = screen.getByTestId("enrol-submit");
    expect(submit).toBeDisabled();
    await user.type(screen.getByTestId("enrol-server"), "dinas.example.go.id");
    await user.type(screen.getByTestId("enrol-code"), "k7qm-2xpa-9rtd");
    await user.type(screen.getByTestId("enrol-device"), "Laptop Budi");
    await user.click(submit);
    expect(api.syncEnrol).toHaveBeenCalledWith("dinas.example.go.id", { method: "code", code: "k7qm-2xpa-9rtd" }, "Laptop Budi");
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Syncing…"));
    expect(screen.queryByTestId("sync-enrol")).toBeNull();
  });

  it("says in the reader's words why an enrolment was refused, and keeps the form", async () => {
    api.syncStatus.mockResolvedValue(status());
    api.syncEnrol.mockRejectedValue({ code: "enrol.refused", message: "the code is not valid", details: [] });
    const user = userEvent.setup();
    render(SyncScreen, { sync: new SyncState() });
    await user.click(await screen.findByTestId("enrol-method-password"));
    await user.type(screen.getByTestId("enrol-server"), "https://dinas.example.go.id");
    await user.type(screen.getByTestId("enrol-user"), "budi");
    await user.type(screen.getByTestId("enrol-password"), "salah");
    await user.click(screen.getByTestId("enrol-submit"));
    expect(api.syncEnrol).toHaveBeenCalledWith("https://dinas.example.go.id", { method: "password", user: "budi", password: "salah" }, "");
    const error = await screen.findByTestId("error");
    expect(error).toHaveAttribute("data-code", "enrol.refused");
    expect(error).toHaveTextContent("was not accepted");
    expect(screen.getByTestId("sync-enrol")).toBeInTheDocument();
  });

  it("enrols from a picture of the QR code without typing the address", async () => {
    api.syncStatus.mockResolvedValue(status());
    api.pickPicture.mockResolvedValue("/home/budi/kode.png");
    api.syncEnrol.mockResolvedValue(status({ state: "waiting", server: "https://dinas.example.go.id", user: "budi" }));
    const user = userEvent.setup();
    render(SyncScreen, { sync: new SyncState() });
    await user.click(await screen.findByTestId("enrol-method-qr"));
    await user.click(screen.getByTestId("enrol-qr-pick"));
    await user.click(screen.getByTestId("enrol-submit"));
    expect(api.syncEnrol).toHaveBeenCalledWith(null, { method: "qr", path: "/home/budi/kode.png" }, "");
  });

  it("shows progress while a sync runs, then the report, and reads the outbox again", async () => {
    api.syncStatus.mockResolvedValue(status({ state: "waiting", server: "https://dinas.example.go.id", user: "budi", last_success: "2026-11-21T09:30:00Z" }));
    api.syncOutbox.mockResolvedValueOnce([row(1, "waiting"), row(2, "waiting")]).mockResolvedValue([row(1, "sent"), row(2, "sent")]);
    const user = userEvent.setup();
    render(SyncScreen, { sync: new SyncState() });
    expect(await screen.findByTestId("sync-counts")).toHaveTextContent("Waiting 2 · sent 0 · set aside 0");
    await user.click(screen.getByTestId("sync-now"));
    expect(api.syncNow).toHaveBeenCalled();
    await waitFor(() => expect(listeners.status).not.toBeNull());
    listeners.status!(
      status({
        state: "syncing",
        server: "https://dinas.example.go.id",
        progress: { phase: "uploading", records_done: 2, records_total: 2, bytes_done: 1_500_000, bytes_total: 3_000_000 },
      }),
    );
    expect(await screen.findByTestId("sync-progress")).toHaveTextContent("Uploading photos…");
    expect(screen.getByTestId("sync-progress")).toHaveTextContent("1.5 of 3 MB of photos");
    expect(screen.getByTestId("sync-now")).toBeDisabled();
    listeners.status!(
      status({
        state: "waiting",
        server: "https://dinas.example.go.id",
        last_success: "2026-11-22T10:00:00Z",
        last_report: { sent: 2, rejected: 0, conflicts: 0, photos: 2, decisions: 1, awards: 1, products: 0, criteria_sets: 0, assessments: 12, thumbnails: 3 },
      }),
    );
    expect(await screen.findByTestId("sync-report")).toHaveTextContent("Sent 2, photos 2, decisions received 1, stars received 1, assessments pulled 12, set aside 0.");
    await waitFor(() => expect(screen.getByTestId("sync-counts")).toHaveTextContent("Waiting 0 · sent 2"));
  });

  it("lists a rejected record with the server's reason translated, and an offline try with its next try", async () => {
    api.syncStatus.mockResolvedValue(
      status({
        state: "offline",
        server: "https://dinas.example.go.id",
        error: { code: "sync.not_the_server", message: "a portal", details: [] },
        next_try_seconds: 120,
      }),
    );
    api.syncOutbox.mockResolvedValue([row(2, "rejected", "push.region_not_assigned", "records[0] is outside 63.05"), row(1, "conflict", "push.other", "something")]);
    render(SyncScreen, { sync: new SyncState() });
    const reasons = await screen.findAllByTestId("outbox-reason");
    // Each record says what was assessed, in the officer's words.
    expect(screen.getAllByTestId("outbox-row")[0]).toHaveTextContent("Keripik Pisang Kepok · KWT Melati Sejahtera");
    expect(reasons[0]).toHaveTextContent("not one of yours on the server");
    // A code the app has no words for shows the server's own message.
    expect(reasons[1]).toHaveTextContent("something");
    expect(screen.getByTestId("sync-state")).toHaveTextContent("The server cannot be reached");
    expect(screen.getByTestId("error")).toHaveTextContent("Wi-Fi login page");
    expect(screen.getByText("Trying again by itself in 120 seconds.")).toBeInTheDocument();
  });
});
