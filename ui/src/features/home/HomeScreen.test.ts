import type { HomeCounts } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import HomeScreen from "./HomeScreen.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  coachingDue: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  homeCounts: vi.fn(),
  listAssessments: vi.fn(async () => []),
  listCriteria: vi.fn(async () => ({ sets: [], rejected: [] })),
  appVersion: vi.fn(async () => "0.3.1"),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

describe("HomeScreen", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.homeCounts.mockResolvedValue({ drafts: 3, finals: 1250, waiting: 2 } satisfies HomeCounts);
  });

  it("shows the drafts, the final assessments and what waits for the office", async () => {
    render(HomeScreen);
    expect(await screen.findByTestId("home-drafts")).toHaveTextContent(/^3$/);
    expect(await screen.findByTestId("home-finals")).toHaveTextContent(/^1\.250$/);
    expect(screen.getByTestId("home-waiting")).toHaveTextContent(/^2$/);
    expect(screen.getByText("Dikirim ke kantor saat laptop tersambung ke internet.")).toBeInTheDocument();
    expect(api.homeCounts).toHaveBeenCalledTimes(1);
  });

  it("shows dashes, not zeros, until the counts arrive", async () => {
    let answer: (counts: HomeCounts) => void = () => {};
    api.homeCounts.mockReturnValue(new Promise<HomeCounts>((resolve) => (answer = resolve)));
    render(HomeScreen);
    expect(screen.getByTestId("home-drafts")).toHaveTextContent("–");
    expect(screen.getByTestId("home-waiting")).toHaveTextContent("–");
    answer({ drafts: 0, finals: 0, waiting: 0 });
    expect(await screen.findByText("Semua sudah terkirim.")).toBeInTheDocument();
    expect(screen.getByTestId("home-drafts")).toHaveTextContent(/^0$/);
  });

  it("says everything was sent when nothing waits", async () => {
    api.homeCounts.mockResolvedValue({ drafts: 1, finals: 4, waiting: 0 });
    render(HomeScreen);
    expect(await screen.findByText("Semua sudah terkirim.")).toBeInTheDocument();
    expect(screen.queryByText("Dikirim ke kantor saat laptop tersambung ke internet.")).toBeNull();
  });

  it("shows a translated error instead of the counts when they cannot be read, and tries again", async () => {
    api.homeCounts.mockRejectedValueOnce({ code: "store.corrupt", message: "database disk image is malformed" });
    render(HomeScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveAttribute("data-code", "store.corrupt");
    expect(error).toHaveTextContent("Basis data rusak.");
    expect(error).toHaveTextContent("Kode: store.corrupt");
    expect(error).not.toHaveTextContent("malformed");
    expect(screen.queryByTestId("home-drafts")).toBeNull();

    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    expect(await screen.findByTestId("home-finals")).toHaveTextContent(/^1\.250$/);
    expect(screen.queryByTestId("error")).toBeNull();
    expect(api.homeCounts).toHaveBeenCalledTimes(2);
  });

  it("shows the generic message and the code for an error it has no words for", async () => {
    api.homeCounts.mockRejectedValue(new Error("command home_counts not found"));
    render(HomeScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Maaf, terjadi kesalahan yang tidak terduga.");
    expect(error).toHaveTextContent("Kode: unexpected");
    expect(error).not.toHaveTextContent("home_counts");
  });

  it("starts a visit on the regions screen and opens the criteria on request", async () => {
    const ongo = vi.fn();
    render(HomeScreen, { ongo });
    await userEvent.click(screen.getByTestId("home-start"));
    expect(ongo).toHaveBeenLastCalledWith("regions");
    await userEvent.click(screen.getByRole("button", { name: "Baca kriteria penilaian" }));
    expect(ongo).toHaveBeenLastCalledWith("criteria");
  });

  it("writes the counts the English way in English", async () => {
    setLang("en");
    render(HomeScreen);
    expect(await screen.findByTestId("home-finals")).toHaveTextContent(/^1,250$/);
  });
});

describe("About", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.homeCounts.mockResolvedValue({ drafts: 0, finals: 0, waiting: 0 });
  });

  it("credits the region data as its licence, the ODbL, asks", async () => {
    render(HomeScreen);
    const about = screen.getByTestId("about");
    expect(about).toHaveTextContent("Data wilayah Indonesia: idn-area-data oleh fityannugroho, ODbL 1.0");
    const notice = within(about).getByText(/^Contains information from idn-area-data/);
    expect(notice).toHaveTextContent("https://github.com/fityannugroho/idn-area-data");
    expect(notice).toHaveTextContent("by Fityan (fityannugroho)");
    expect(notice).toHaveTextContent("under the Open Database License (ODbL) v1.0.");
    // The notice is the licensor's English wording in every interface language.
    expect(notice).toHaveAttribute("lang", "en");
  });

  it("keeps the attribution notice word for word in another interface language", async () => {
    setLang("vi");
    render(HomeScreen);
    expect(within(screen.getByTestId("about")).getByText(/Open Database License \(ODbL\) v1\.0/)).toHaveTextContent(
      "Contains information from idn-area-data (https://github.com/fityannugroho/idn-area-data) by Fityan (fityannugroho), which is made available here under the Open Database License (ODbL) v1.0.",
    );
  });

  it("shows the app's version once known", async () => {
    render(HomeScreen);
    expect(await screen.findByTestId("about-version")).toHaveTextContent("Versi 0.3.1");
  });
});
