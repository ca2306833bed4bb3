import type { AssessmentView, EvidenceDocument, Photo } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import AssessmentScreen from "./AssessmentScreen.svelte";
import { AssessmentSheet } from "./state.svelte";
import { block, OCOP_TEA, OVOP, resultOf, viewOf } from "./testing";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  getAssessment: vi.fn(),
  changeAssessment: vi.fn(),
  finalizeAssessment: vi.fn(),
  correctAssessment: vi.fn(),
  addCouncilMember: vi.fn(),
  removeCouncilMember: vi.fn(),
  listPhotos: vi.fn(),
  addPhoto: vi.fn(),
  recordEvidence: vi.fn(),
}));
vi.mock("$lib/api", () => api);

function photo(sha256: string, criterion: string, name = `${sha256}.jpg`): Photo {
  return { sha256, size: 2048, mime: "image/jpeg", width: 800, height: 600, name, criterion };
}

function photoFile(name: string): File {
  return new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type: "image/jpeg" });
}

function thumbs(code: string): string[] {
  return within(block(code))
    .queryAllByTestId("photo-thumb")
    .map((img) => img.dataset.sha ?? "");
}

async function show(view: AssessmentView) {
  const sheet = new AssessmentSheet();
  await sheet.open(view.assessment.id, view);
  render(AssessmentScreen, { sheet, onback: vi.fn() });
  await screen.findByTestId("assessment-screen");
  return sheet;
}

describe("Evidence: photos per criterion", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.changeAssessment.mockResolvedValue(resultOf(OVOP));
    api.listPhotos.mockResolvedValue([photo("p22a", "2.2"), photo("p22b", "2.2"), photo("p11", "1.1"), photo("whole", "")]);
  });

  it("loads the assessment's photos once and shows each criterion only its own", async () => {
    await show(viewOf(OVOP));
    await waitFor(() => expect(thumbs("2.2")).toEqual(["p22a", "p22b"]));
    expect(thumbs("1.1")).toEqual(["p11"]);
    expect(thumbs("3.1")).toEqual([]);
    expect(api.listPhotos).toHaveBeenCalledTimes(1);
    expect(api.listPhotos).toHaveBeenCalledWith("assessment", "a-1");
  });

  it("adds a photo for the criterion it was taken for, and shows it there only", async () => {
    api.addPhoto.mockResolvedValue(photo("new", "3.1", "kemasan.jpg"));
    await show(viewOf(OVOP));
    await waitFor(() => expect(thumbs("2.2")).toHaveLength(2));

    await userEvent.upload(within(block("3.1")).getByTestId("photo-input"), photoFile("kemasan.jpg"));

    expect(api.addPhoto).toHaveBeenCalledWith("assessment", "a-1", expect.objectContaining({ name: "kemasan.jpg" }), "3.1");
    await waitFor(() => expect(thumbs("3.1")).toEqual(["new"]));
    expect(thumbs("2.2")).toEqual(["p22a", "p22b"]);
    expect(api.listPhotos).toHaveBeenCalledTimes(1);
  });

  it("says in words why the store refused a photo", async () => {
    api.addPhoto.mockRejectedValue({ code: "store.locked", message: "assessment a-1 is final" });
    await show(viewOf(OVOP));
    await userEvent.upload(within(block("1.2")).getByTestId("photo-input"), photoFile("papan.jpg"));
    const refused = await within(block("1.2")).findByTestId("photo-error");
    expect(refused).toHaveAttribute("data-code", "store.locked");
    expect(refused).not.toHaveTextContent("is final");
    expect(refused).not.toHaveTextContent("store.locked");
  });

  it("shows the photos of a final sheet without a way to add more", async () => {
    await show(viewOf(OVOP, { status: "final" }));
    await waitFor(() => expect(thumbs("2.2")).toEqual(["p22a", "p22b"]));
    expect(screen.queryAllByTestId("photo-input")).toHaveLength(0);
    // A criterion with no photo has no strip on a final sheet.
    expect(within(block("3.1")).queryByTestId("a-photos")).toBeNull();
    expect(within(block("2.2")).getByTestId("a-photos")).toBeInTheDocument();
  });
});

function row(kind: string): HTMLElement {
  const found = screen.getAllByTestId("dossier-row").find((r) => r.dataset.kind === kind);
  if (!found) throw new Error(`no dossier row ${kind}`);
  return found;
}

function documentOf(kind: string, fields: Partial<EvidenceDocument> = {}): EvidenceDocument {
  return { kind, criterion: "", present: true, number: null, issued_on: null, issuer: null, expires_on: null, note: null, ...fields };
}

function recorded(): EvidenceDocument[] {
  return api.recordEvidence.mock.calls.map((call) => call[1] as EvidenceDocument);
}

describe("Evidence: the producer's dossier", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.listPhotos.mockResolvedValue([]);
    // The store answers with the whole dossier; here, the one document recorded.
    api.recordEvidence.mockImplementation(async (_id: string, document: EvidenceDocument) => [document]);
  });

  it("lists each document once: a gate that names its document has no row of its own, and the row says what it proves", async () => {
    await show(viewOf(OVOP));
    const dossier = screen.getByTestId("dossier");
    expect(dossier).toHaveTextContent("Dokumen pendukung");
    const kinds = within(dossier)
      .getAllByTestId("dossier-row")
      .map((r) => r.dataset.kind);
    // G1 to G3 are proved by the NIB, the permit and the halal certificate.
    expect(kinds).toEqual(["nib", "izin_edar", "halal", "sni", "haki", "other"]);
    expect(within(row("nib")).getByTestId("dossier-proves")).toHaveTextContent("bukti untuk G1");
    expect(within(row("sni")).getByTestId("dossier-proves")).toHaveTextContent("bukti untuk 5.2");
    expect(within(row("haki")).queryByTestId("dossier-proves")).toBeNull();
  });

  it("asks a Vietnamese producer for Vietnam's documents on an OCOP sheet, in Vietnamese", async () => {
    setLang("vi");
    await show(viewOf(OCOP_TEA));
    const dossier = screen.getByTestId("dossier");
    const kinds = within(dossier)
      .getAllByTestId("dossier-row")
      .map((r) => r.dataset.kind);
    expect(kinds.slice(0, 5)).toEqual(["dkkd", "attp", "cbcl", "haki", "other"]);
    expect(dossier).toHaveTextContent("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm");
    expect(dossier).not.toHaveTextContent("Halal");
    expect(dossier).not.toHaveTextContent("NIB");
  });

  it("keeps a row for a gate that names no document, and one for a document the list does not have", async () => {
    const gates = (OVOP.gates ?? []).map((g) => (g.code === "G3" ? { ...g, documents: [] } : g.code === "G2" ? { ...g, documents: ["sertifikat_pirt"] } : g));
    await show(viewOf({ ...OVOP, gates }));
    const kinds = screen.getAllByTestId("dossier-row").map((r) => r.dataset.kind);
    expect(kinds).toEqual(["nib", "izin_edar", "halal", "sni", "haki", "sertifikat_pirt", "other", "G3"]);
    expect(row("sertifikat_pirt")).toHaveTextContent("sertifikat_pirt");
    expect(row("G3")).toHaveTextContent("G3");
  });

  it("shows beside a gate and a criterion whether their documents were shown, and goes to the document on a click", async () => {
    await show(viewOf(OVOP));
    const gate = screen.getAllByTestId("a-gate").find((g) => g.dataset.code === "G1")!;
    const link = () => within(gate).getByTestId("a-document");
    expect(link()).toHaveAttribute("data-kind", "nib");
    expect(link()).toHaveAttribute("data-status", "missing");
    expect(link()).toHaveTextContent("belum diperiksa");
    expect(within(block("5.2")).getByTestId("a-document")).toHaveAttribute("data-kind", "sni");

    await userEvent.click(within(row("nib")).getByTestId("dossier-present"));
    await userEvent.type(within(row("nib")).getByTestId("dossier-number"), "9120001234567");
    await userEvent.tab();
    await waitFor(() => expect(link()).toHaveAttribute("data-status", "present"));
    expect(link()).toHaveTextContent("ada, no. 9120001234567");

    fireEvent.change(within(row("nib")).getByTestId("dossier-expires"), { target: { value: "2020-01-01" } });
    await waitFor(() => expect(link()).toHaveAttribute("data-status", "expired"));

    await userEvent.click(within(block("5.2")).getByTestId("a-document"));
    expect(within(row("sni")).getByTestId("dossier-present")).toHaveFocus();
  });

  it("records a document with the number typed once the officer leaves the field, and each date at once", async () => {
    await show(viewOf(OVOP));
    await userEvent.click(within(row("nib")).getByTestId("dossier-present"));
    await waitFor(() => expect(recorded()).toEqual([documentOf("nib")]));

    await userEvent.type(within(row("nib")).getByTestId("dossier-number"), "9120001234567");
    // Not a save per key: the number waits for a pause or for the field to be left.
    expect(api.recordEvidence).toHaveBeenCalledTimes(1);
    await userEvent.tab();
    await waitFor(() => expect(api.recordEvidence).toHaveBeenCalledTimes(2));
    expect(recorded()[1]).toEqual(documentOf("nib", { number: "9120001234567" }));

    await fireEvent.change(within(row("nib")).getByTestId("dossier-issued"), { target: { value: "2024-03-11" } });
    await fireEvent.change(within(row("nib")).getByTestId("dossier-expires"), { target: { value: "2029-03-11" } });
    await waitFor(() => expect(api.recordEvidence).toHaveBeenCalledTimes(4));
    expect(api.recordEvidence).toHaveBeenLastCalledWith(
      "a-1",
      documentOf("nib", { number: "9120001234567", issued_on: "2024-03-11", expires_on: "2029-03-11" }),
    );
    expect(within(row("nib")).queryByTestId("dossier-expired")).toBeNull();
  });

  it("marks a document that expired before the day of the visit, and only that one", async () => {
    const view = viewOf(OVOP);
    view.evidence = [documentOf("halal", { expires_on: "2026-10-31" }), documentOf("sni", { expires_on: "2026-11-23" })];
    await show(view);
    expect(within(row("halal")).getByTestId("dossier-expired")).toHaveTextContent("Kedaluwarsa");
    expect(row("halal")).toHaveClass("expired");
    // Valid on the day of the visit (2026-11-23) itself.
    expect(within(row("sni")).queryByTestId("dossier-expired")).toBeNull();

    await userEvent.click(within(row("nib")).getByTestId("dossier-present"));
    await fireEvent.change(within(row("nib")).getByTestId("dossier-expires"), { target: { value: "2026-11-22" } });
    expect(within(row("nib")).getByTestId("dossier-expired")).toHaveTextContent("Kedaluwarsa");
  });

  it("says how many documents a re-assessment carried over unticked, until each is ticked as shown", async () => {
    const view = viewOf(OVOP);
    // As the store starts a re-assessment: the last dossier's facts, nothing ticked yet.
    view.evidence = [
      documentOf("nib", { present: false, number: "9120001234567" }),
      documentOf("halal", { present: false, number: "ID63110000123", expires_on: "2026-10-31" }),
    ];
    api.recordEvidence.mockImplementation(async (_id: string, document: EvidenceDocument) => [
      document,
      ...view.evidence.filter((d) => d.kind !== document.kind),
    ]);
    await show(view);
    expect(screen.getByTestId("dossier-carried")).toHaveTextContent(/^2 dokumen tercatat tetapi belum dicentang/);
    expect(within(row("nib")).getByTestId("dossier-number")).toHaveValue("9120001234567");
    expect(within(row("nib")).getByTestId("dossier-present")).not.toBeChecked();
    expect(within(row("halal")).getByTestId("dossier-expired")).toHaveTextContent("Kedaluwarsa");

    await userEvent.click(within(row("nib")).getByTestId("dossier-present"));
    await waitFor(() => expect(recorded().at(-1)).toMatchObject({ kind: "nib", present: true, number: "9120001234567" }));
    await waitFor(() => expect(screen.getByTestId("dossier-carried")).toHaveTextContent(/^1 dokumen/));
  });

  it("keeps a scan beside its document, carried over with it, and adds one for that document only", async () => {
    const view = viewOf(OVOP);
    view.evidence = [documentOf("nib", { present: false, number: "9120001234567" })];
    api.listPhotos.mockResolvedValue([photo("scan-nib", "doc:nib"), photo("p11", "1.1")]);
    api.addPhoto.mockResolvedValue(photo("scan-nib-2", "doc:nib", "nib-halaman-2.jpg"));
    await show(view);
    const scanOf = (kind: string) =>
      within(within(row(kind)).getByTestId("dossier-scan"))
        .queryAllByTestId("photo-thumb")
        .map((img) => img.dataset.sha);
    await waitFor(() => expect(scanOf("nib")).toEqual(["scan-nib"]));
    // A criterion's photos are not the document's, nor the other way round.
    expect(thumbs("1.1")).toEqual(["p11"]);
    // A document with nothing recorded shows no scan until it is opened.
    expect(within(row("halal")).queryByTestId("dossier-scan")).toBeNull();

    await userEvent.upload(within(within(row("nib")).getByTestId("dossier-scan")).getByTestId("photo-input"), photoFile("nib-halaman-2.jpg"));
    expect(api.addPhoto).toHaveBeenCalledWith("assessment", "a-1", expect.objectContaining({ name: "nib-halaman-2.jpg" }), "doc:nib");
    await waitFor(() => expect(scanOf("nib")).toEqual(["scan-nib", "scan-nib-2"]));
    expect(thumbs("1.1")).toEqual(["p11"]);
  });

  it("shows a final sheet's dossier without letting it change", async () => {
    const view = viewOf(OVOP, { status: "final" });
    view.evidence = [documentOf("nib", { number: "9120001234567" })];
    await show(view);
    const nib = row("nib");
    expect(within(nib).getByTestId("dossier-present")).toBeChecked();
    expect(within(nib).getByTestId("dossier-present")).toBeDisabled();
    expect(within(nib).getByTestId("dossier-number")).toHaveValue("9120001234567");
    expect(within(nib).getByTestId("dossier-number")).toHaveAttribute("readonly");
    expect(within(nib).getByTestId("dossier-scan")).toBeInTheDocument();
    expect(within(nib).queryByTestId("photo-input")).toBeNull();
    await userEvent.type(within(nib).getByTestId("dossier-number"), "99");
    await userEvent.tab();
    await fireEvent.change(within(nib).getByTestId("dossier-expires"), { target: { value: "2020-01-01" } });
    expect(api.recordEvidence).not.toHaveBeenCalled();
  });
});
