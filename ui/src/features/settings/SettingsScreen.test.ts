import type { BackupInfo, Countries, DataInfo } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import * as records from "$lib/fixtures/records";
import { lang, setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import App from "../../App.svelte";
import StartForm from "../assessment/StartForm.svelte";
import { today } from "../assessment/start";
import { parseOfficer } from "./officer";
import SettingsScreen from "./SettingsScreen.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  getSettings: vi.fn(),
  appToday: vi.fn(async () => today()),
  setSetting: vi.fn(),
  dataInfo: vi.fn(),
  listBackups: vi.fn(),
  createBackup: vi.fn(),
  restoreBackup: vi.fn(),
  moveData: vi.fn(),
  pickFolder: vi.fn(),
  pickBackupFile: vi.fn(),
  archiveWrite: vi.fn(),
  archivePreview: vi.fn(),
  archiveRestore: vi.fn(),
  searchRegions: vi.fn(),
  getRegion: vi.fn(),
  listCriteria: vi.fn(),
  startAssessment: vi.fn(),
  homeCounts: vi.fn(async () => ({ drafts: 0, finals: 0, waiting: 0 })),
  listAssessments: vi.fn(async () => []),
  appVersion: vi.fn(async () => "0.4.0"),
  inTauri: vi.fn(() => true),
  photoBudget: vi.fn(async () => ({ budget_bytes: 2048 * 1048576, used_bytes: 5_242_880, photos: 40, thumbnails: 38, whole: 2 })),
  setPhotoBudget: vi.fn(),
  regionCountries: vi.fn(),
  chooseCountries: vi.fn(),
}));
vi.mock("$lib/api", () => api);

const INFO: DataInfo = {
  database: "/home/rina/.local/share/org.ovopfield.app/ovop.sqlite",
  photos: "/home/rina/.local/share/org.ovopfield.app/ovop.sqlite.files",
  backups: "/home/rina/.local/share/org.ovopfield.app/ovop.sqlite.backups",
  size_bytes: 2_411_724,
  schema_version: 4,
};

function backup(name: string, created_at: string, size_bytes = 2_097_152): BackupInfo {
  return { name, path: `${INFO.backups}/${name}.sqlite`, size_bytes, created_at };
}

// Midday UTC: the same calendar day in any time zone the tests run in.
const MANUAL = backup("manual-20261120T120000Z", "2026-11-20T12:00:00Z");
const BEFORE_SCHEMA = backup("before-schema-3", "2026-11-02T12:00:00Z", 1_572_864);

const PROFILE = {
  name: "Rina Wulandari",
  title: "Penyuluh Perindustrian",
  unit: "Dinas Perindustrian Kabupaten Tapin",
  phone: "0812 5555 0101",
  email: "rina@tapinkab.go.id",
  regions: ["63.05"],
};

const INDONESIA_ONLY: Countries = { chosen: ["ID"], confirmed: true, imported: { ID: 91_599, VN: 0 } };

function rows(): HTMLElement[] {
  return screen.queryAllByTestId("backup-row");
}

/** The value of the last `officer` setting written. */
function savedProfile(): unknown {
  const call = api.setSetting.mock.calls.filter(([key]) => key === "officer").at(-1);
  return call ? JSON.parse(call[1] as string) : undefined;
}

async function addRegion(typed: string, code: string) {
  const form = screen.getByTestId("officer-form");
  await userEvent.type(within(form).getByTestId("region-search"), typed);
  const result = await waitFor(() => {
    const found = within(form).queryAllByTestId("region-result").find((r) => r.dataset.code === code);
    expect(found).toBeDefined();
    return found!;
  });
  await userEvent.click(result);
}

beforeEach(() => {
  localStorage.clear();
  setLang("id");
  vi.clearAllMocks();
  api.getSettings.mockResolvedValue({});
  api.setSetting.mockResolvedValue(undefined);
  api.dataInfo.mockResolvedValue(INFO);
  api.listBackups.mockResolvedValue([MANUAL, BEFORE_SCHEMA]);
  api.searchRegions.mockImplementation(async (query: string, limit: number) => records.searchRegions(query, limit));
  api.getRegion.mockImplementation(async (code: string) => records.getRegion(code));
  api.listCriteria.mockResolvedValue(fixtureList());
  api.regionCountries.mockResolvedValue(INDONESIA_ONLY);
  api.chooseCountries.mockImplementation(async (countries: string[]) => ({
    chosen: countries,
    confirmed: true,
    imported: { ID: 91_599, VN: countries.includes("VN") ? 3_355 : 0 },
  }));
});

describe("settings: language", () => {
  it("switches the interface and keeps the choice in the settings", async () => {
    render(SettingsScreen);
    const group = screen.getByTestId("settings-lang");
    expect(within(group).getByRole("radio", { name: /Bahasa Indonesia/ })).toBeChecked();
    await userEvent.click(within(group).getByRole("radio", { name: "English" }));
    expect(api.setSetting).toHaveBeenCalledWith("lang", "en");
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(within(group).getByRole("radio", { name: "English" })).toBeChecked();
    expect(localStorage.getItem("ovop-field.language")).toBe("en");
    expect(await screen.findByTestId("settings-lang-saved")).toHaveTextContent("Saved");
  });

  it("says when the choice could not be kept for the next start", async () => {
    api.setSetting.mockRejectedValue({ code: "store.read_only", message: "attempt to write a readonly database" });
    render(SettingsScreen);
    await userEvent.click(within(screen.getByTestId("settings-lang")).getByRole("radio", { name: "Tiếng Việt" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Đã đổi ngôn ngữ, nhưng chưa lưu được lựa chọn này cho lần mở sau.");
    expect(screen.queryByTestId("settings-lang-saved")).toBeNull();
  });

  it("opens in the language kept in the settings, from the top bar's gear", async () => {
    api.getSettings.mockResolvedValue({ lang: "vi" });
    render(App);
    await waitFor(() => expect(lang()).toBe("vi"));
    expect(await screen.findByTestId("nav-settings")).toHaveTextContent("Cài đặt");
    await userEvent.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("settings-screen")).toBeInTheDocument();
    expect(document.title).toBe("Cài đặt · OVOP Field");
    expect(within(screen.getByTestId("settings-lang")).getByRole("radio", { name: "Tiếng Việt" })).toBeChecked();
  });

  it("persists the top bar's switch the same way", async () => {
    render(App);
    await userEvent.selectOptions(screen.getByTestId("lang-switch"), "en");
    expect(api.setSetting).toHaveBeenCalledWith("lang", "en");
    expect(lang()).toBe("en");
  });
});

describe("settings: countries and regions", () => {
  it("shows the countries chosen with the regions imported of each, and adds Vietnam", async () => {
    render(SettingsScreen);
    const section = screen.getByTestId("settings-countries");
    expect(within(section).getByRole("heading", { name: "Negara dan wilayah" })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("settings-country-ID")).toBeChecked());
    expect(screen.getByTestId("settings-country-VN")).not.toBeChecked();
    expect(screen.getByTestId("settings-country-count-ID")).toHaveTextContent("91.599 wilayah di laptop ini");
    expect(screen.getByTestId("settings-country-count-VN")).toHaveTextContent("Belum ada di laptop ini");
    // Nothing changed yet: nothing to save.
    expect(screen.getByTestId("settings-countries-save")).toBeDisabled();

    await userEvent.click(screen.getByTestId("settings-country-VN"));
    await userEvent.click(screen.getByTestId("settings-countries-save"));
    expect(api.chooseCountries).toHaveBeenCalledExactlyOnceWith(["ID", "VN"]);
    expect(await screen.findByTestId("settings-countries-saved")).toHaveTextContent("Tersimpan");
    expect(screen.getByTestId("settings-country-count-VN")).toHaveTextContent("3.355 wilayah di laptop ini");
    expect(screen.getByTestId("settings-countries-save")).toBeDisabled();
  });

  it("keeps at least one country", async () => {
    render(SettingsScreen);
    await waitFor(() => expect(screen.getByTestId("settings-country-ID")).toBeChecked());
    await userEvent.click(screen.getByTestId("settings-country-ID"));
    expect(screen.getByTestId("settings-countries-none")).toHaveTextContent("Pilih setidaknya satu negara.");
    expect(screen.getByTestId("settings-countries-save")).toBeDisabled();
    // Vietnam instead of Indonesia.
    await userEvent.click(screen.getByTestId("settings-country-VN"));
    expect(screen.queryByTestId("settings-countries-none")).toBeNull();
    await userEvent.click(screen.getByTestId("settings-countries-save"));
    expect(api.chooseCountries).toHaveBeenCalledWith(["VN"]);
  });

  it("says in words when the choice is refused, and keeps what was chosen before", async () => {
    setLang("vi");
    api.chooseCountries.mockRejectedValue({ code: "region.countries", message: "choose one or more of ID, VN" });
    render(SettingsScreen);
    await waitFor(() => expect(screen.getByTestId("settings-country-ID")).toBeChecked());
    await userEvent.click(screen.getByTestId("settings-country-VN"));
    await userEvent.click(screen.getByTestId("settings-countries-save"));
    const error = await within(screen.getByTestId("settings-countries")).findByTestId("error");
    expect(error).toHaveTextContent("Hãy chọn Indonesia, Việt Nam hoặc cả hai.");
    expect(screen.queryByTestId("settings-countries-saved")).toBeNull();
  });
});

describe("settings: officer profile", () => {
  it("saves the profile as JSON in the setting 'officer' and says it is saved", async () => {
    render(SettingsScreen);
    const form = await screen.findByTestId("officer-form");
    await userEvent.type(within(form).getByTestId("officer-name"), "  Rina Wulandari ");
    await userEvent.type(within(form).getByTestId("officer-title"), "Penyuluh Perindustrian");
    await userEvent.type(within(form).getByTestId("officer-unit"), "Dinas Perindustrian Kabupaten Tapin");
    await userEvent.type(within(form).getByTestId("officer-phone"), "0812 5555 0101");
    await userEvent.type(within(form).getByTestId("officer-email"), "rina@tapinkab.go.id");
    await addRegion("tapin", "63.05");
    expect(screen.queryByTestId("officer-saved")).toBeNull();
    await userEvent.click(within(form).getByTestId("officer-save"));
    expect(api.setSetting).toHaveBeenCalledWith("officer", JSON.stringify(PROFILE));
    expect(await screen.findByTestId("officer-saved")).toHaveTextContent("Tersimpan");
    // A change after saving is not saved yet.
    await userEvent.type(within(form).getByTestId("officer-phone"), "9");
    expect(screen.queryByTestId("officer-saved")).toBeNull();
  });

  it("refuses to save without a name, and points at the field", async () => {
    render(SettingsScreen);
    const form = await screen.findByTestId("officer-form");
    await userEvent.type(within(form).getByTestId("officer-title"), "Penyuluh");
    await userEvent.click(within(form).getByTestId("officer-save"));
    const name = within(form).getByTestId("officer-name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveFocus();
    expect(within(form).getByText("Isi nama petugas.")).toBeInTheDocument();
    expect(api.setSetting).not.toHaveBeenCalledWith("officer", expect.anything());
    // Typing the name clears the message; then it saves.
    await userEvent.type(name, "Rina");
    expect(within(form).queryByText("Isi nama petugas.")).toBeNull();
    await userEvent.click(within(form).getByTestId("officer-save"));
    expect(savedProfile()).toMatchObject({ name: "Rina", title: "Penyuluh" });
  });

  it("adds assigned regions found by name as chips, and removes them with ×", async () => {
    api.getSettings.mockResolvedValue({ officer: JSON.stringify(PROFILE) });
    render(SettingsScreen);
    const form = await screen.findByTestId("officer-form");
    expect(within(form).getByTestId("officer-name")).toHaveValue("Rina Wulandari");
    await waitFor(() => expect(within(form).getByTestId("officer-region")).toHaveTextContent("Kabupaten Tapin"));

    await addRegion("binuang", "63.05.01.1001");
    const chips = () => within(form).getAllByTestId("officer-region").map((c) => c.dataset.code);
    expect(chips()).toEqual(["63.05", "63.05.01.1001"]);
    // A region already assigned is not offered again.
    await userEvent.type(within(form).getByTestId("region-search"), "tapin");
    await waitFor(() => expect(within(form).queryAllByTestId("region-result").map((r) => r.dataset.code)).toEqual(["63.05.02", "63.05.03", "63.05.04"]));
    expect(api.searchRegions).toHaveBeenLastCalledWith("tapin", 30);
    await userEvent.clear(within(form).getByTestId("region-search"));

    await userEvent.click(within(form).getByRole("button", { name: "Hapus Kabupaten Tapin dari wilayah tugas" }));
    expect(chips()).toEqual(["63.05.01.1001"]);
    await userEvent.click(within(form).getByTestId("officer-save"));
    expect(savedProfile()).toEqual({ ...PROFILE, regions: ["63.05.01.1001"] });
  });
});

describe("settings: data and backups", () => {
  it("shows where the data is, its size, and the backups with their dates in the officer's language", async () => {
    render(SettingsScreen);
    expect(await screen.findByTestId("data-database")).toHaveTextContent(INFO.database);
    expect(screen.getByTestId("data-size")).toHaveTextContent(/^2,3 MB$/);
    expect(screen.getByTestId("data-schema")).toHaveTextContent(/^4$/);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveAttribute("data-name", MANUAL.name);
    expect(rows()[0]).toHaveTextContent("20 Nov 2026");
    expect(rows()[0]).toHaveTextContent("Dibuat oleh petugas · 2 MB");
    expect(rows()[1]).toHaveTextContent("Otomatis, sebelum data diperbarui ke versi 3 · 1,5 MB");

    await userEvent.click(within(screen.getByTestId("settings-lang")).getByRole("radio", { name: "Tiếng Việt" }));
    expect(rows()[0]).toHaveTextContent("20 thg 11, 2026");
  });

  it("adds the backup it made at the top of the list", async () => {
    const made = backup("manual-20261123T120000Z", "2026-11-23T12:00:00Z");
    api.createBackup.mockResolvedValue(made);
    render(SettingsScreen);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.click(screen.getByTestId("backup-create"));
    expect(api.createBackup).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => r.dataset.name)).toEqual([made.name, MANUAL.name, BEFORE_SCHEMA.name]);
    expect(screen.getByTestId("backup-created")).toHaveTextContent("Cadangan dibuat: 23 Nov 2026");
    expect(screen.getByText("3 cadangan")).toBeInTheDocument();
  });

  it("says why a backup could not be made", async () => {
    api.createBackup.mockRejectedValue({ code: "store.disk_full", message: "database or disk is full" });
    render(SettingsScreen);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.click(screen.getByTestId("backup-create"));
    expect(await screen.findByTestId("error")).toHaveTextContent("Penyimpanan laptop penuh.");
    expect(rows()).toHaveLength(2);
  });

  it("asks before restoring, restores the backup by name, then sends the officer home", async () => {
    api.restoreBackup.mockResolvedValue(INFO);
    const onrestored = vi.fn();
    render(SettingsScreen, { onrestored });
    await waitFor(() => expect(rows()).toHaveLength(2));

    // Cancel first: nothing is restored.
    await userEvent.click(within(rows()[1]).getByRole("button", { name: /^Pulihkan cadangan/ }));
    let dialog = screen.getByRole("dialog", { name: "Pulihkan cadangan?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Batal" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.restoreBackup).not.toHaveBeenCalled();

    await userEvent.click(within(rows()[1]).getByTestId("backup-restore"));
    dialog = screen.getByRole("dialog", { name: "Pulihkan cadangan?" });
    expect(dialog).toHaveTextContent("Data di laptop ini akan diganti dengan isi cadangan 2 Nov 2026");
    expect(dialog).toHaveTextContent("Data yang sekarang tidak dihapus: disimpan di samping basis data");
    expect(api.restoreBackup).not.toHaveBeenCalled();

    await userEvent.click(within(dialog).getByTestId("backup-restore-confirm"));
    expect(api.restoreBackup).toHaveBeenCalledWith(BEFORE_SCHEMA.name);
    expect(await within(dialog).findByTestId("backup-restored")).toHaveTextContent("Data di laptop ini sekarang berasal dari cadangan 2 Nov 2026");
    // The restored settings keep the language the officer reads now.
    expect(api.setSetting).toHaveBeenCalledWith("lang", "id");
    expect(onrestored).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId("backup-restore-done"));
    expect(onrestored).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("shows a refused restore in the officer's words and keeps the question open", async () => {
    api.restoreBackup.mockRejectedValueOnce({ code: "backup.not_found", message: 'no backup is called "manual-x"' });
    api.restoreBackup.mockRejectedValueOnce({ code: "store.corrupt", message: "the backup x is damaged too: malformed" });
    const onrestored = vi.fn();
    render(SettingsScreen, { onrestored });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.click(within(rows()[0]).getByTestId("backup-restore"));
    const dialog = screen.getByRole("dialog");

    await userEvent.click(within(dialog).getByTestId("backup-restore-confirm"));
    const missing = await within(dialog).findByTestId("error");
    expect(missing).toHaveAttribute("data-code", "backup.not_found");
    expect(missing).toHaveTextContent("Cadangan ini tidak ditemukan.");
    expect(missing).not.toHaveTextContent("no backup is called");

    await userEvent.click(within(dialog).getByTestId("backup-restore-confirm"));
    await waitFor(() => expect(within(dialog).getByTestId("error")).toHaveAttribute("data-code", "store.corrupt"));
    expect(within(dialog).getByTestId("error")).toHaveTextContent("Cadangan ini rusak dan tidak dapat dipulihkan. Data di laptop tidak diubah");
    expect(within(dialog).getByTestId("backup-restore-confirm")).toBeEnabled();
    expect(api.restoreBackup).toHaveBeenCalledTimes(2);
    expect(onrestored).not.toHaveBeenCalled();
  });

  it("lists the backups when the database cannot be opened, so one of them can be restored", async () => {
    api.dataInfo.mockRejectedValue({ code: "store.not_a_database", message: "not an OVOP Field database" });
    api.restoreBackup.mockResolvedValue(INFO);
    render(SettingsScreen);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getAllByTestId("error")[0]).toHaveAttribute("data-code", "store.not_a_database");
    await userEvent.click(within(rows()[0]).getByTestId("backup-restore"));
    await userEvent.click(screen.getByTestId("backup-restore-confirm"));
    expect(api.restoreBackup).toHaveBeenCalledWith(MANUAL.name);
    expect(await screen.findByTestId("backup-restored")).toBeInTheDocument();
  });

  it("goes home after a restore in the app, where the counts are read again", async () => {
    api.restoreBackup.mockResolvedValue(INFO);
    render(App);
    await userEvent.click(screen.getByTestId("nav-settings"));
    await waitFor(() => expect(rows()).toHaveLength(2));
    const before = api.homeCounts.mock.calls.length;
    await userEvent.click(within(rows()[0]).getByTestId("backup-restore"));
    await userEvent.click(screen.getByTestId("backup-restore-confirm"));
    await userEvent.click(await screen.findByTestId("backup-restore-done"));
    expect(screen.getByTestId("nav-home")).toHaveAttribute("aria-current", "page");
    await waitFor(() => expect(api.homeCounts.mock.calls.length).toBe(before + 1));
  });
});

describe("settings: a whole backup in one file", () => {
  const contents = (producers: number, photos: number, waiting = 0) => ({ schema: 11, producers, products: producers * 2, assessments: producers * 3, photos, waiting });

  it("writes the whole backup into the folder picked and says where, how big and how many photos", async () => {
    api.pickFolder.mockResolvedValue("/media/rina/USB");
    api.archiveWrite.mockResolvedValue({ path: "/media/rina/USB/ovop-backup-20261207-093015.ovopbak", bytes: 5_242_880, contents: contents(4, 12) });
    render(SettingsScreen);
    const section = await screen.findByTestId("archive");
    expect(within(section).getByTestId("archive-write")).toBeDisabled();
    await userEvent.click(within(section).getByRole("button", { name: "Pilih folder untuk cadangan lengkap" }));
    expect(within(section).getByTestId("archive-folder")).toHaveValue("/media/rina/USB");
    await userEvent.click(within(section).getByTestId("archive-write"));
    expect(api.archiveWrite).toHaveBeenCalledWith("/media/rina/USB");
    const written = await within(section).findByTestId("archive-written");
    expect(written).toHaveTextContent("/media/rina/USB/ovop-backup-20261207-093015.ovopbak");
    expect(written).toHaveTextContent("12 foto");
  });

  it("says in words why a backup could not be written", async () => {
    api.archiveWrite.mockRejectedValue({ code: "store.disk_full", message: "the disk is full" });
    render(SettingsScreen);
    const section = await screen.findByTestId("archive");
    await userEvent.type(within(section).getByTestId("archive-folder"), "/media/rina/USB");
    await userEvent.click(within(section).getByTestId("archive-write"));
    expect(await within(section).findByTestId("error")).toHaveAttribute("data-code", "store.disk_full");
    expect(within(section).queryByTestId("archive-written")).toBeNull();
  });

  it("checks the file, shows what it brings against the laptop and what is not yet sent, restores on confirmation, then goes home", async () => {
    const file = "/media/rina/USB/ovop-backup-20261207-093015.ovopbak";
    api.archivePreview.mockResolvedValue({
      backup: { path: file, created_at: "2026-12-07T09:30:15Z", bytes: 5_242_880, contents: contents(40, 200) },
      current: contents(1, 0, 3),
    });
    api.archiveRestore.mockResolvedValue({ contents: contents(40, 200), kept: "/x/ovop.sqlite.before-restore-1", files_added: 400 });
    const onrestored = vi.fn();
    render(SettingsScreen, { onrestored });
    const section = await screen.findByTestId("archive");
    await userEvent.type(within(section).getByTestId("archive-file"), file);
    await userEvent.click(within(section).getByTestId("archive-check"));
    expect(api.archivePreview).toHaveBeenCalledWith(file);
    const dialog = await screen.findByTestId("archive-restore-dialog");
    const counts = within(dialog).getAllByTestId("archive-backup-count").map((c) => c.textContent);
    expect(counts).toEqual(["40", "80", "120", "200"]);
    expect(within(dialog).getByTestId("archive-waiting")).toHaveTextContent("3 catatan di laptop ini belum terkirim");
    expect(api.archiveRestore).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId("archive-restore-confirm"));
    expect(api.archiveRestore).toHaveBeenCalledWith(file);
    expect(await within(dialog).findByTestId("archive-restored")).toBeInTheDocument();
    expect(api.setSetting).toHaveBeenCalledWith("lang", "id");
    await userEvent.click(within(dialog).getByTestId("archive-restore-done"));
    expect(onrestored).toHaveBeenCalledTimes(1);
  });

  it("restores a laptop whose database cannot be opened, saying its contents cannot be counted", async () => {
    const file = "/media/rina/USB/ovop-backup-20261207-093015.ovopbak";
    api.dataInfo.mockRejectedValue({ code: "store.not_a_database", message: "not an OVOP Field database" });
    api.listBackups.mockRejectedValue({ code: "store.not_a_database", message: "not an OVOP Field database" });
    api.archivePreview.mockResolvedValue({
      backup: { path: file, created_at: "2026-12-07T09:30:15Z", bytes: 5_242_880, contents: contents(40, 200) },
      current: null,
    });
    api.archiveRestore.mockResolvedValue({ contents: contents(40, 200), kept: "/x/ovop.sqlite.before-restore-1", files_added: 400 });
    render(SettingsScreen);
    const section = await screen.findByTestId("archive");
    await userEvent.type(within(section).getByTestId("archive-file"), file);
    await userEvent.click(within(section).getByTestId("archive-check"));
    const dialog = await screen.findByTestId("archive-restore-dialog");
    expect(within(dialog).getByTestId("archive-unreadable")).toHaveTextContent("tidak dapat dibuka");
    expect(within(dialog).queryByTestId("archive-waiting")).toBeNull();
    await userEvent.click(within(dialog).getByTestId("archive-restore-confirm"));
    expect(api.archiveRestore).toHaveBeenCalledWith(file);
    expect(await within(dialog).findByTestId("archive-restored")).toBeInTheDocument();
  });

  it("refuses a damaged or foreign file in the officer's words and opens no question", async () => {
    api.archivePreview.mockRejectedValueOnce({ code: "backup.damaged", message: "it was cut short" });
    api.archivePreview.mockRejectedValueOnce({ code: "backup.not_a_backup", message: "x is not an OVOP Field backup" });
    render(SettingsScreen);
    const section = await screen.findByTestId("archive");
    await userEvent.type(within(section).getByTestId("archive-file"), "/media/rina/USB/rusak.ovopbak");
    await userEvent.click(within(section).getByTestId("archive-check"));
    const damaged = await within(section).findByTestId("error");
    expect(damaged).toHaveTextContent("Cadangan ini rusak");
    await userEvent.click(within(section).getByTestId("archive-check"));
    await waitFor(() => expect(within(section).getByTestId("error")).toHaveAttribute("data-code", "backup.not_a_backup"));
    expect(within(section).getByTestId("error")).toHaveTextContent("bukan cadangan OVOP Field");
    expect(screen.queryByTestId("archive-restore-dialog")).toBeNull();
    expect(api.archiveRestore).not.toHaveBeenCalled();
  });
});

describe("settings: photos pulled from the office", () => {
  it("shows the budget and what the pulled photos take, and saves a new budget in megabytes", async () => {
    api.setPhotoBudget.mockResolvedValue({ budget_bytes: 500 * 1048576, used_bytes: 5_242_880, photos: 40, thumbnails: 40, whole: 2 });
    render(SettingsScreen);
    const field = await screen.findByTestId("photo-budget-mb");
    await waitFor(() => expect(field).toHaveValue("2.048"));
    expect(screen.getByTestId("photo-budget-used")).toHaveTextContent("Terpakai 5 MB dari 2 GB · 38 dari 40 foto punya gambar kecil · 2 foto utuh");
    await userEvent.clear(field);
    await userEvent.type(field, "500");
    await userEvent.click(screen.getByTestId("photo-budget-save"));
    expect(api.setPhotoBudget).toHaveBeenCalledWith(500);
    expect(await screen.findByTestId("photo-budget-saved")).toBeInTheDocument();
    expect(screen.getByTestId("photo-budget-used")).toHaveTextContent("Terpakai 5 MB dari 500 MB · 40 dari 40 foto");
  });

  it("refuses a budget that is not a whole number of megabytes without asking the app", async () => {
    render(SettingsScreen);
    const field = await screen.findByTestId("photo-budget-mb");
    await userEvent.clear(field);
    await userEvent.type(field, "1,5");
    await userEvent.click(screen.getByTestId("photo-budget-save"));
    expect(screen.getByRole("alert")).toHaveTextContent("Tulis jumlah megabita sebagai bilangan bulat");
    expect(api.setPhotoBudget).not.toHaveBeenCalled();
  });
});

describe("settings: moving the data", () => {
  const DRIVE = "/media/rina/DATA/OVOP Field";
  const MOVED_INFO: DataInfo = { ...INFO, database: `${DRIVE}/ovop.sqlite`, photos: `${DRIVE}/ovop.sqlite.files`, backups: `${DRIVE}/ovop.sqlite.backups` };

  it("moves the data to a folder typed or picked, then shows where it is and what is left behind", async () => {
    api.pickFolder.mockResolvedValue(DRIVE);
    api.moveData.mockImplementation(async () => {
      api.dataInfo.mockResolvedValue(MOVED_INFO);
      return { folder: DRIVE, left: "/home/rina/.local/share/org.ovopfield.app", files: 214, bytes: 190_000_000 };
    });
    render(SettingsScreen);
    await userEvent.click(await screen.findByTestId("data-move-open"));
    const dialog = screen.getByRole("dialog", { name: "Pindahkan folder data" });
    expect(dialog).toHaveTextContent("/home/rina/.local/share/org.ovopfield.app");
    expect(within(dialog).getByTestId("data-move-confirm")).toBeDisabled();
    await userEvent.click(within(dialog).getByTestId("data-move-pick"));
    expect(api.pickFolder).toHaveBeenCalledWith("Pilih folder baru untuk data OVOP Field", "/home/rina/.local/share/org.ovopfield.app");
    expect(within(dialog).getByTestId("data-move-folder")).toHaveValue(DRIVE);
    await userEvent.click(within(dialog).getByTestId("data-move-confirm"));
    expect(api.moveData).toHaveBeenCalledWith(DRIVE);
    expect(await within(dialog).findByTestId("data-moved")).toHaveTextContent(`Data sekarang ada di ${DRIVE}.`);
    expect(within(dialog).getByTestId("data-moved-left")).toHaveTextContent("Salinan lama masih ada di /home/rina/.local/share/org.ovopfield.app");
    expect(dialog).toHaveTextContent("214 berkas disalin");
    await userEvent.click(within(dialog).getByTestId("data-move-close"));
    expect(screen.queryByRole("dialog")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("data-database")).toHaveTextContent(`${DRIVE}/ovop.sqlite`));
  });

  it("says only that the database was copied when there were no photos or backups", async () => {
    api.moveData.mockResolvedValue({ folder: DRIVE, left: "/home/rina/.local/share/org.ovopfield.app", files: 0, bytes: 2_411_724 });
    render(SettingsScreen);
    await userEvent.click(await screen.findByTestId("data-move-open"));
    await userEvent.type(screen.getByTestId("data-move-folder"), `${DRIVE}{Enter}`);
    expect(await screen.findByTestId("data-moved-copied")).toHaveTextContent("Basis data disalin (2,3 MB).");
  });

  it("says in the officer's words why a folder was refused, and lets them choose another", async () => {
    api.moveData.mockRejectedValueOnce({ code: "data.target_has_data", message: "x already has an OVOP Field database" });
    api.moveData.mockRejectedValueOnce({ code: "data.not_absolute", message: "data is not a full folder path" });
    render(SettingsScreen);
    await userEvent.click(await screen.findByTestId("data-move-open"));
    const dialog = screen.getByRole("dialog");
    const field = within(dialog).getByTestId("data-move-folder");
    await userEvent.type(field, "/media/rina/LAMA{Enter}");
    const error = await within(dialog).findByTestId("error");
    expect(error).toHaveAttribute("data-code", "data.target_has_data");
    expect(error).toHaveTextContent("Folder ini sudah berisi data OVOP Field lain. Pilih folder kosong");
    await userEvent.clear(field);
    await userEvent.type(field, "data");
    await userEvent.click(within(dialog).getByTestId("data-move-confirm"));
    await waitFor(() => expect(within(dialog).getByTestId("error")).toHaveAttribute("data-code", "data.not_absolute"));
    expect(api.moveData).toHaveBeenLastCalledWith("data");
    expect(screen.getByTestId("data-database")).toHaveTextContent(INFO.database);
  });
});

describe("starting an assessment with the officer's profile", () => {
  const product = records.getProduct("pr-tas-purun");

  it("fills the assessor's name, position and unit from the profile and sends them", async () => {
    localStorage.setItem("ovop-field.officer", "Budi");
    api.getSettings.mockResolvedValue({ officer: JSON.stringify(PROFILE) });
    api.startAssessment.mockResolvedValue({});
    const onstarted = vi.fn();
    render(StartForm, { product, onstarted, oncancel: vi.fn() });
    await waitFor(() => expect(screen.getByTestId("assess-assessor")).toHaveValue("Rina Wulandari"));
    expect(screen.getByTestId("assess-position")).toHaveValue("Penyuluh Perindustrian");
    expect(screen.getByTestId("assess-unit")).toHaveValue("Dinas Perindustrian Kabupaten Tapin");
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith(
      "pr-tas-purun",
      "ovop-id-seleksi",
      "2024.1",
      expect.objectContaining({
        assessed_on: today(),
        region_code: product.village_code,
        latitude: null,
        longitude: null,
        assessors: [{ name: "Rina Wulandari", title: "Penyuluh Perindustrian", unit: "Dinas Perindustrian Kabupaten Tapin", role: null }],
      }),
    );
  });

  it("falls back to the name typed last time when there is no profile", async () => {
    localStorage.setItem("ovop-field.officer", "Budi");
    render(StartForm, { product, onstarted: vi.fn(), oncancel: vi.fn() });
    await waitFor(() => expect(api.getSettings).toHaveBeenCalled());
    await screen.findByTestId("assess-start");
    expect(screen.getByTestId("assess-assessor")).toHaveValue("Budi");
    expect(screen.getByTestId("assess-position")).toHaveValue("");
  });

  it("keeps what the officer typed before the profile arrived", async () => {
    let answer: (settings: Record<string, string>) => void = () => {};
    api.getSettings.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    render(StartForm, { product, onstarted: vi.fn(), oncancel: vi.fn() });
    const name = await screen.findByTestId("assess-assessor");
    await userEvent.clear(name);
    await userEvent.type(name, "Sari");
    answer({ officer: JSON.stringify(PROFILE) });
    await waitFor(() => expect(api.getSettings).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(name).toHaveValue("Sari");
    expect(screen.getByTestId("assess-unit")).toHaveValue("");
  });
});

describe("parseOfficer", () => {
  it("reads a stored profile and nothing that is not one", () => {
    expect(parseOfficer(JSON.stringify(PROFILE))).toEqual(PROFILE);
    expect(parseOfficer(JSON.stringify({ name: "Rina", regions: ["63", 7] }))).toEqual({
      name: "Rina",
      title: "",
      unit: "",
      phone: "",
      email: "",
      regions: ["63"],
    });
    expect(parseOfficer("Rina")).toBeNull();
    expect(parseOfficer("[]")).toBeNull();
    expect(parseOfficer(undefined)).toBeNull();
  });
});
