import { fixtureView } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import CriteriaSheet from "./CriteriaSheet.svelte";

function renderSheet(id: string, version = id.startsWith("ovop") ? "2024.1" : "2020.1") {
  const view = fixtureView(id, version);
  if (!view) throw new Error(`no fixture ${id}`);
  return render(CriteriaSheet, { view });
}

function criterion(code: string) {
  const element = screen.getAllByTestId("criterion").find((c) => c.dataset.code === code);
  if (!element) throw new Error(`no criterion ${code}`);
  return element;
}

function levels(code: string) {
  return within(criterion(code))
    .getAllByTestId("level")
    .map((row) => ({ position: Number(row.dataset.position), points: Number(row.dataset.points), text: (row as HTMLTableRowElement).cells[2].textContent?.trim() }));
}

describe("CriteriaSheet", () => {
  beforeEach(() => setLang("id"));

  it("says in the overview since when a replaced set is no longer in force", async () => {
    const view = fixtureView("ocop-1048-01", "2020.1")!;
    render(CriteriaSheet, { view, day: "2026-11-20" });
    expect(screen.getByTestId("set-standing")).toHaveTextContent("Tidak berlaku sejak 24 Februari 2023");
    setLang("en");
    await Promise.resolve();
    expect(await screen.findByText("Expired since 24 February 2023")).toBeInTheDocument();
  });

  it("shows the title and every part, section and criterion of the set", () => {
    renderSheet("ocop-1048-01");
    expect(screen.getByTestId("sheet-title")).toHaveTextContent("OCOP 1048 – Teh segar dan olahan");
    expect(screen.getAllByTestId("part").map((p) => p.dataset.code)).toEqual(["A", "B", "C"]);
    expect(screen.getAllByTestId("section")).toHaveLength(10);
    expect(screen.getAllByTestId("criterion")).toHaveLength(31);
  });

  it("numbers levels from 1 as printed, with their points and descriptors", () => {
    renderSheet("ocop-1048-01");
    expect(levels("1.4")).toEqual([
      { position: 1, points: 0, text: "Không có liên kết hoặc có nhưng không rõ ràng" },
      { position: 2, points: 1, text: "Có liên kết, chặt chẽ (phạm vi trong tỉnh)" },
      { position: 3, points: 2, text: expect.stringContaining("Liên kết chuỗi chặt chẽ") },
    ]);
    expect(within(criterion("1.4")).getByText("maks. 2 poin")).toBeInTheDocument();
  });

  it("marks texts shown in the set's language instead of the reader's with lang", () => {
    renderSheet("ocop-1048-01");
    const descriptor = within(criterion("1.4")).getByText("Không có liên kết hoặc có nhưng không rõ ràng");
    expect(descriptor).toHaveAttribute("lang", "vi");
    expect(screen.getByTestId("sheet-title").querySelector("[lang]")).toBeNull();
  });

  it("shows knock-outs with their text and whether they stop the assessment", () => {
    renderSheet("ocop-1048-01");
    const rawMaterial = within(criterion("1.1"));
    expect(rawMaterial.getByText("Gugur")).toBeInTheDocument();
    expect(rawMaterial.getByTestId("knockout")).toHaveAttribute("data-effect", "disqualify");
    expect(rawMaterial.getByTestId("knockout")).toHaveTextContent("Gugur bila seluruh bahan baku diimpor");
    expect(rawMaterial.getByTestId("knockout")).toHaveTextContent("kriteria lain tetap dinilai");

    const impurities = within(criterion("6.1.1")).getByTestId("knockout");
    expect(impurities).toHaveAttribute("data-effect", "stop");
    expect(impurities).toHaveTextContent("kriteria sesudahnya tidak dinilai");
  });

  it("shows when a criterion applies only if another one scored", () => {
    renderSheet("ocop-1048-01");
    const condition = within(criterion("5.2")).getByTestId("applies-if");
    expect(condition).toHaveTextContent("Hanya jika 5.1 mendapat ≥ 2 poin.");
    expect(condition).toHaveTextContent("Produk tidak memiliki cerita yang terdokumentasi");
    expect(within(criterion("5.1")).queryByTestId("applies-if")).toBeNull();
  });

  it("groups the levels of alternative scales and keeps their printed positions", () => {
    renderSheet("ocop-1048-01");
    const management = within(criterion("3.2"));
    expect(management.getByText("Pilih salah satu skala berikut:")).toBeInTheDocument();
    expect(management.getByText("Skala 1")).toBeInTheDocument();
    expect(management.getByText("Menurut direktur/kepala rumah tangga usaha")).toBeInTheDocument();
    expect(levels("3.2").map((l) => [l.position, l.points])).toEqual([
      [1, 1],
      [2, 2],
      [3, 0],
      [4, 1],
    ]);
  });

  it("shows group headings over the criteria they group", () => {
    renderSheet("ocop-1048-01");
    expect(screen.getAllByTestId("group").map((g) => g.dataset.code)).toEqual(["6.1", "6.2"]);
  });

  it("shows star bands, rounding and council rule in words", () => {
    renderSheet("ocop-1048-01");
    const bands = screen.getByTestId("star-bands");
    expect(bands).toHaveTextContent("50–69");
    expect(bands).toHaveTextContent("90–100");
    expect(within(bands).getByRole("img", { name: "3 bintang" })).toBeInTheDocument();
    expect(screen.getByText("Tanpa pembulatan: nilai rata-rata 89,5 tetap di bawah 90.")).toBeInTheDocument();
    expect(screen.getByText(/paling banyak 10 poin/)).toBeInTheDocument();
    expect(screen.getByText("Diganti sejak 24 Februari 2023")).toBeInTheDocument();
  });

  it("flags a declared maximum that the levels do not reach, and lists the known defects", () => {
    renderSheet("ocop-1048-24");
    expect(screen.getByTestId("max-total")).toHaveTextContent("98 poin");
    expect(screen.getByTestId("declared-max")).toHaveTextContent("tertulis 100");
    const partC = screen.getAllByTestId("part").find((p) => p.dataset.code === "C")!;
    expect(within(partC).getByTestId("part-max")).toHaveTextContent("maks. 38 poin");
    expect(within(partC).getByTestId("part-declared-max")).toHaveTextContent("tertulis 40");
    expect(within(screen.getByTestId("known-defects")).getAllByRole("listitem")).toHaveLength(2);
    // Both findings are declared: no separate list of unexplained findings.
    expect(screen.queryByTestId("findings")).toBeNull();
  });

  it("shows gates and minimum requirements of a template", () => {
    renderSheet("ovop-id-seleksi");
    expect(within(screen.getByTestId("gates")).getAllByRole("listitem")).toHaveLength(3);
    expect(screen.getByText("Kriteria 5.2 minimal 3 poin")).toBeInTheDocument();
    expect(screen.getByTestId("star-bands")).toHaveTextContent("40–45");
    const quality = within(criterion("5.2")).getByTestId("knockout");
    expect(quality).toHaveTextContent("Berlaku bila tingkat yang dipilih bernilai ≤ 1 poin.");
  });

  it("reads in English when the reader switches language", async () => {
    renderSheet("ocop-1048-01");
    setLang("en");
    await Promise.resolve();
    expect(await screen.findAllByText("Knock-out")).toHaveLength(3);
    expect(screen.getByTestId("sheet-title")).toHaveTextContent("OCOP 1048 – Fresh and processed tea");
    expect(within(criterion("1.4")).getByText("max. 2 points")).toBeInTheDocument();
  });
});
