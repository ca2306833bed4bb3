import { FIXTURE_SETS } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import SheetBanners from "./SheetBanners.svelte";
import { viewOf } from "./testing";

const SET = FIXTURE_SETS[0];

function pulled(from: string | null, mine: boolean) {
  const view = viewOf(SET, { status: "synced" });
  return { ...view.assessment, pulled_from: from, pulled_mine: mine };
}

describe("SheetBanners: a sheet pulled from the office", () => {
  beforeEach(() => setLang("id"));

  it("says a colleague's sheet is read-only, naming them", () => {
    render(SheetBanners, { assessment: pulled("Rina Wulandari", false), knockouts: [] });
    const banner = screen.getByTestId("pulled-banner");
    expect(banner).toHaveTextContent("Ditarik dari kantor: penilaian milik Rina Wulandari. Di laptop ini hanya dapat dibaca.");
    expect(banner.dataset.mine).toBe("false");
  });

  it("says the officer's own sheet from another laptop can be corrected, in their language", () => {
    setLang("vi");
    render(SheetBanners, { assessment: pulled("Budi Santoso", true), knockouts: [] });
    expect(screen.getByTestId("pulled-banner")).toHaveTextContent("phiếu đánh giá của chính bạn");
  });

  it("says nothing of the office for a sheet made here", () => {
    render(SheetBanners, { assessment: pulled(null, false), knockouts: [] });
    expect(screen.queryByTestId("pulled-banner")).toBeNull();
  });
});
