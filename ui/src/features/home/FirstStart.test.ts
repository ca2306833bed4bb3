import type { Countries } from "$lib/bindings";
import { lang, setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import HomeScreen from "./HomeScreen.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  coachingDue: vi.fn(async (): Promise<unknown[]> => []),
  homeCounts: vi.fn(async () => ({ drafts: 0, finals: 0, waiting: 0 })),
  listAssessments: vi.fn(async () => []),
  listCriteria: vi.fn(async () => ({ sets: [], rejected: [], programmes: [] })),
  appVersion: vi.fn(async () => "0.4.0"),
  inTauri: vi.fn(() => true),
  getSettings: vi.fn(async () => ({})),
  setSetting: vi.fn(async () => undefined),
  regionCountries: vi.fn(),
  chooseCountries: vi.fn(),
}));
vi.mock("$lib/api", () => api);

const FIRST_START: Countries = { chosen: ["ID"], confirmed: false, imported: { ID: 91_599, VN: 0 } };

function chosen(countries: string[]): Countries {
  return { chosen: countries, confirmed: true, imported: { ID: countries.includes("ID") ? 91_599 : 0, VN: countries.includes("VN") ? 3_355 : 0 } };
}

beforeEach(() => {
  localStorage.clear();
  setLang("id");
  vi.clearAllMocks();
  api.regionCountries.mockResolvedValue(FIRST_START);
  api.chooseCountries.mockImplementation(async (countries: string[]) => chosen(countries));
});

describe("the first start", () => {
  it("asks the language and the country on the home screen; Tiếng Việt and Vietnam import Vietnam and the card goes", async () => {
    render(HomeScreen);
    const card = await screen.findByTestId("first-start");
    expect(card).toHaveTextContent("Selamat datang di OVOP Field");
    // The rest of the home screen is there, not behind a dialog.
    expect(screen.getByTestId("home-start")).toBeEnabled();
    expect(screen.queryByRole("dialog")).toBeNull();

    await userEvent.click(screen.getByTestId("first-start-lang-vi"));
    expect(lang()).toBe("vi");
    expect(api.setSetting).toHaveBeenCalledWith("lang", "vi");
    expect(card).toHaveTextContent("Chào mừng bạn đến với OVOP Field");
    // Reading Vietnamese, the country follows until the officer picks one.
    expect(screen.getByTestId("first-start-country-VN")).toBeChecked();

    await userEvent.click(screen.getByTestId("first-start-country-VN"));
    await userEvent.click(screen.getByTestId("first-start-confirm"));
    expect(api.chooseCountries).toHaveBeenCalledExactlyOnceWith(["VN"]);
    await waitFor(() => expect(screen.queryByTestId("first-start")).toBeNull());
    expect(screen.getByTestId("home-start")).toBeInTheDocument();
  });

  it("keeps the country the officer picked when the language changes, and both countries are two", async () => {
    render(HomeScreen);
    await screen.findByTestId("first-start");
    expect(screen.getByTestId("first-start-country-ID")).toBeChecked();
    await userEvent.click(screen.getByTestId("first-start-country-both"));
    await userEvent.click(screen.getByTestId("first-start-lang-en"));
    expect(screen.getByTestId("first-start-country-both")).toBeChecked();
    expect(screen.getByTestId("first-start")).toHaveTextContent("The country you work in");
    await userEvent.click(screen.getByTestId("first-start-confirm"));
    expect(api.chooseCountries).toHaveBeenCalledWith(["ID", "VN"]);
  });

  it("says what it prepares while the regions are imported, and cannot be confirmed twice", async () => {
    let done: (countries: Countries) => void = () => {};
    api.chooseCountries.mockReturnValue(new Promise<Countries>((resolve) => (done = resolve)));
    setLang("vi");
    render(HomeScreen);
    await screen.findByTestId("first-start");
    await userEvent.click(screen.getByTestId("first-start-country-both"));
    await userEvent.click(screen.getByTestId("first-start-confirm"));
    const progress = await screen.findByTestId("first-start-progress");
    expect(progress).toHaveTextContent("Đang chuẩn bị địa bàn của Indonesia và Việt Nam…");
    expect(progress).toHaveTextContent("Việt Nam mất khoảng một giây, Indonesia mất vài giây.");
    expect(screen.getByTestId("first-start-confirm")).toBeDisabled();
    expect(screen.getByTestId("first-start-country-VN")).toBeDisabled();
    done(chosen(["ID", "VN"]));
    await waitFor(() => expect(screen.queryByTestId("first-start")).toBeNull());
    expect(api.chooseCountries).toHaveBeenCalledTimes(1);
  });

  it("keeps the card and says why in words when the regions cannot be prepared", async () => {
    api.chooseCountries.mockRejectedValue({ code: "store.disk_full", message: "No space left on device" });
    render(HomeScreen);
    await screen.findByTestId("first-start");
    await userEvent.click(screen.getByTestId("first-start-confirm"));
    const error = await within(screen.getByTestId("first-start")).findByTestId("error");
    expect(error).toHaveAttribute("data-code", "store.disk_full");
    expect(error).not.toHaveTextContent("No space left");
    expect(screen.getByTestId("first-start-confirm")).toBeEnabled();
  });

  it("is not shown once the officer has chosen, nor when the choice cannot be read", async () => {
    api.regionCountries.mockResolvedValue(chosen(["VN"]));
    const { unmount } = render(HomeScreen);
    await waitFor(() => expect(api.regionCountries).toHaveBeenCalled());
    await screen.findByTestId("home-drafts");
    expect(screen.queryByTestId("first-start")).toBeNull();
    unmount();

    api.regionCountries.mockRejectedValue({ code: "store.starting", message: "still importing" });
    render(HomeScreen);
    await waitFor(() => expect(api.regionCountries).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId("first-start")).toBeNull();
  });
});
