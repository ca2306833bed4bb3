import type { PulledPhoto } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import PulledPhotos from "./PulledPhotos.svelte";

const api = vi.hoisted(() => ({ pulledPhotos: vi.fn(), fetchPulledPhoto: vi.fn() }));
vi.mock("$lib/api", () => api);

const sha = (c: string) => c.repeat(64);
const photo = (over: Partial<PulledPhoto>): PulledPhoto => ({
  sha256: sha("a"),
  size: 2_097_152,
  thumbnail: true,
  whole: false,
  partial: 0,
  ...over,
});

describe("PulledPhotos", () => {
  beforeEach(() => {
    setLang("id");
    vi.clearAllMocks();
  });

  it("shows nothing for an assessment without pulled photos", async () => {
    api.pulledPhotos.mockResolvedValue([]);
    render(PulledPhotos, { id: "a-1", revision: 2 });
    await waitFor(() => expect(api.pulledPhotos).toHaveBeenCalledWith("assessment", "a-1", 2));
    expect(screen.queryByTestId("pulled-photos")).toBeNull();
  });

  it("offers each photo whole, says how much of a cut download is here, and lists it again once fetched", async () => {
    api.pulledPhotos
      .mockResolvedValueOnce([photo({}), photo({ sha256: sha("b"), partial: 1_048_576 }), photo({ sha256: sha("c"), thumbnail: false, whole: true })])
      .mockResolvedValueOnce([photo({ whole: true }), photo({ sha256: sha("b"), partial: 1_048_576 }), photo({ sha256: sha("c"), thumbnail: false, whole: true })]);
    api.fetchPulledPhoto.mockResolvedValue(undefined);
    render(PulledPhotos, { id: "a-1", revision: 1 });
    const buttons = await screen.findAllByTestId("pulled-photo-fetch");
    expect(buttons.map((b) => b.textContent?.trim())).toEqual(["Unduh foto utuh (2 MB)", "Lanjutkan unduhan (50% sudah ada)"]);
    expect(screen.getByText("Belum ada gambar kecil")).toBeInTheDocument();
    await userEvent.click(buttons[0]);
    expect(api.fetchPulledPhoto).toHaveBeenCalledWith(sha("a"));
    await waitFor(() => expect(screen.getAllByTestId("pulled-photo-whole")).toHaveLength(2));
    expect(screen.getAllByTestId("pulled-photo-fetch")).toHaveLength(1);
  });

  it("says in words when the photo does not fit in the budget, and keeps the button", async () => {
    api.pulledPhotos.mockResolvedValue([photo({})]);
    api.fetchPulledPhoto.mockRejectedValue({ code: "photos.budget", message: "does not fit" });
    setLang("en");
    render(PulledPhotos, { id: "a-1", revision: 1 });
    await userEvent.click(await screen.findByTestId("pulled-photo-fetch"));
    expect(await screen.findByText(/does not fit in the space left for photos pulled from the office/)).toBeInTheDocument();
    expect(screen.getByTestId("pulled-photo-fetch")).toBeEnabled();
  });
});
