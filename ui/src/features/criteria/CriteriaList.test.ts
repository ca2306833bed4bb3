import type { SetSummary } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import CriteriaList from "./CriteriaList.svelte";

const { sets, rejected } = fixtureList();

function rows() {
  return screen.getAllByTestId("criteria-row");
}

function renderList(onopen = vi.fn<(set: SetSummary) => void>()) {
  render(CriteriaList, { sets, rejected, selected: { id: "ocop-1048-01", version: "2020.1" }, onopen });
  return onopen;
}

describe("CriteriaList", () => {
  beforeEach(() => setLang("id"));

  it("shows every set once, grouped by programme, OVOP first in Indonesian", () => {
    renderList();
    expect(rows().map((r) => r.dataset.id)).toEqual(["ovop-id-seleksi", "ocop-1048-24", "ocop-1048-01"]);
    expect(rows().every((r) => r.dataset.version)).toBe(true);
    const groups = within(screen.getByTestId("criteria-list")).getAllByRole("heading", { level: 3 });
    expect(groups.map((g) => g.textContent)).toEqual([expect.stringContaining("OVOP"), expect.stringContaining("OCOP")]);
  });

  it("shows name, programme, status, version, product sets, criteria count and maximum", () => {
    renderList();
    const tea = rows().find((r) => r.dataset.id === "ocop-1048-01")!;
    expect(tea).toHaveTextContent("OCOP 1048 – Teh segar dan olahan");
    expect(tea).toHaveTextContent("Transkripsi");
    expect(tea).toHaveTextContent("v2020.1");
    expect(tea).toHaveTextContent("Teh segar dan olahan");
    expect(tea).toHaveTextContent("31 kriteria");
    expect(tea).toHaveTextContent("maks. 100 poin");
    expect(tea).toHaveAttribute("aria-current", "true");
    const template = rows().find((r) => r.dataset.id === "ovop-id-seleksi")!;
    expect(template).toHaveTextContent("Templat");
  });

  it("falls back to the set's language for a name without a translation, marked with lang", () => {
    renderList();
    const drinks = rows().find((r) => r.dataset.id === "ocop-1048-24")!;
    const name = within(drinks).getByText("OCOP 1048 – Đồ uống có cồn khác");
    expect(name).toHaveAttribute("lang", "vi");
  });

  it("marks the set whose points do not add up to the declared maximum", () => {
    renderList();
    const drinks = rows().find((r) => r.dataset.id === "ocop-1048-24")!;
    expect(within(drinks).getByRole("img", { name: /perlu perhatian/i })).toBeInTheDocument();
    const tea = rows().find((r) => r.dataset.id === "ocop-1048-01")!;
    expect(within(tea).queryByRole("img", { name: /perlu perhatian/i })).toBeNull();
  });

  it("filters without diacritics: 'che bien' finds 'Chè tươi, chè chế biến'", async () => {
    renderList();
    await userEvent.type(screen.getByTestId("search"), "che bien");
    expect(rows().map((r) => r.dataset.id)).toEqual(["ocop-1048-01"]);
    expect(screen.getByText("1 dari 3 set")).toBeInTheDocument();
  });

  it("says so when nothing matches", async () => {
    renderList();
    await userEvent.type(screen.getByTestId("search"), "kopi luwak");
    expect(screen.queryAllByTestId("criteria-row")).toHaveLength(0);
    expect(screen.getByText("Tidak ada set yang cocok dengan “kopi luwak”.")).toBeInTheDocument();
  });

  it("moves through the rows with the arrow keys and opens with Enter", async () => {
    const onopen = renderList();
    await userEvent.click(screen.getByTestId("search"));
    await userEvent.keyboard("{ArrowDown}");
    expect(rows()[0]).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(rows()[2]).toHaveFocus();
    await userEvent.keyboard("{ArrowUp}");
    expect(rows()[1]).toHaveFocus();
    expect(onopen).not.toHaveBeenCalled();
    await userEvent.keyboard("{Enter}");
    expect(onopen).toHaveBeenCalledWith(expect.objectContaining({ id: "ocop-1048-24", version: "2020.1" }));
  });

  it("shows where each set stands on the app's day: replaced since, in force, or from a later day", () => {
    const later = { ...sets[0], id: "ovop-id-2027", version: "2027.1", effective_from: "2027-01-01", effective_until: null };
    render(CriteriaList, { sets: [...sets, later], rejected, selected: null, day: "2026-11-20", onopen: vi.fn() });
    const standing = (id: string) => within(rows().find((r) => r.dataset.id === id)!).getByTestId("set-standing");
    expect(standing("ocop-1048-01")).toHaveTextContent("Tidak berlaku sejak 24 Februari 2023");
    expect(standing("ocop-1048-01")).toHaveAttribute("data-state", "ended");
    expect(standing("ovop-id-seleksi")).toHaveTextContent("Berlaku");
    expect(standing("ovop-id-seleksi")).toHaveAttribute("data-state", "in_force");
    expect(standing("ovop-id-2027")).toHaveTextContent("Berlaku mulai 1 Januari 2027");
  });

  it("judges the standing on the day given: the day before the replacement the 1048 sheet is in force", () => {
    setLang("vi");
    render(CriteriaList, { sets, rejected, selected: null, day: "2023-02-23", onopen: vi.fn() });
    const tea = within(rows().find((r) => r.dataset.id === "ocop-1048-01")!).getByTestId("set-standing");
    expect(tea).toHaveTextContent("Đang có hiệu lực");
  });

  it("lists the files that could not be loaded, with a translated reason", () => {
    renderList();
    expect(screen.getByText("1 berkas tidak dapat dimuat")).toBeInTheDocument();
    expect(screen.getByText("kriteria-kab-sleman.json")).toBeInTheDocument();
    expect(screen.getByText("Berkas ini bukan JSON yang valid.")).toBeInTheDocument();
  });
});
