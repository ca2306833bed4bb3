import type { AwardView, CertificateStanding } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import LapsingList from "./LapsingList.svelte";
import ProductAwards from "./ProductAwards.svelte";

const api = vi.hoisted(() => ({
  productAwards: vi.fn(),
  certificatesLapsing: vi.fn(),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

function view(star: number, standing: CertificateStanding | null, current: boolean, fields: Partial<AwardView["award"]> = {}): AwardView {
  return {
    award: {
      decision: { number: "188.45/123/KUM/2026", date: "2026-12-01", authority: "Bupati Tapin" },
      programme: "ovop",
      assessment_id: `a-${star}-${standing?.state ?? "none"}`,
      product_id: "pr-tikar",
      product: "Tikar purun motif",
      producer_id: "pd-kub",
      producer: "KUB Purun Tapin",
      star,
      reason: "",
      certificate: standing ? { number: "OVOP-2026-00001", issued: "2026-12-01", valid_until: "2029-11-30", code: "OVOP:C1|x" } : undefined,
      ...fields,
    },
    standing,
    current,
  };
}

describe("A product's star from the office", () => {
  beforeEach(() => {
    setLang("id");
    vi.clearAllMocks();
  });

  it("shows the current star, its decision and certificate, and prints it in the app's language", async () => {
    api.productAwards.mockResolvedValue([view(4, { state: "valid", days_left: 1095 }, true)]);
    render(ProductAwards, { productId: "pr-tikar", onreassess: vi.fn() });
    const award = await screen.findByTestId("product-award");
    expect(award).toHaveAttribute("data-current", "true");
    expect(within(award).getByText("Bintang yang berlaku")).toBeInTheDocument();
    expect(within(award).getByRole("img", { name: "4 bintang" })).toBeInTheDocument();
    expect(screen.getByTestId("award-standing")).toHaveTextContent("berlaku, sisa 1095 hari");
    expect(screen.getByTestId("award-certificate")).toHaveTextContent("Sertifikat OVOP-2026-00001, terbit 1 Desember 2026, berlaku sampai 30 November 2029");
    expect(screen.queryByTestId("award-reassess")).toBeNull();
    await userEvent.click(screen.getByTestId("certificate-print"));
    expect(api.printCertificate).toHaveBeenCalledWith("OVOP-2026-00001", "id");
  });

  it("never shows a lapsed star as current, and offers the re-assessment", async () => {
    setLang("en");
    const onreassess = vi.fn();
    api.productAwards.mockResolvedValue([view(4, { state: "lapsed", days_ago: 1 }, false), view(3, { state: "lapsed", days_ago: 900 }, false, { assessment_id: "older" })]);
    render(ProductAwards, { productId: "pr-tikar", onreassess });
    const award = await screen.findByTestId("product-award");
    expect(award).toHaveAttribute("data-current", "false");
    expect(within(award).getByText("The star no longer holds")).toBeInTheDocument();
    expect(screen.getByTestId("award-standing")).toHaveTextContent("lapsed 1 day ago");
    expect(screen.getByText("1 earlier decision")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("award-reassess"));
    expect(onreassess).toHaveBeenCalledTimes(1);
  });

  it("shows nothing for a product the office has not decided on", async () => {
    api.productAwards.mockResolvedValue([]);
    render(ProductAwards, { productId: "pr-tikar", onreassess: vi.fn() });
    await Promise.resolve();
    expect(api.productAwards).toHaveBeenCalledWith("pr-tikar");
    expect(screen.queryByTestId("product-award")).toBeNull();
  });
});

describe("The home screen's lapsing list", () => {
  beforeEach(() => {
    setLang("vi");
    vi.clearAllMocks();
  });

  it("lists lapsing and lapsed certificates with their days and starts a re-assessment", async () => {
    const onreassess = vi.fn();
    api.certificatesLapsing.mockResolvedValue([
      view(4, { state: "lapsed", days_ago: 3 }, false),
      view(5, { state: "lapsing", days_left: 20, urgent: true }, true, { product_id: "pr-dodol", product: "Dodol Kandangan", producer_id: "pd-dodol" }),
    ]);
    render(LapsingList, { onreassess });
    const rows = await screen.findAllByTestId("lapsing-row");
    expect(rows).toHaveLength(2);
    expect(screen.getByText("Giấy chứng nhận sắp hết hạn")).toBeInTheDocument();
    expect(within(rows[0]).getByTestId("lapsing-standing")).toHaveTextContent("đã hết hạn 3 ngày");
    expect(within(rows[1]).getByTestId("lapsing-standing")).toHaveTextContent("hết hạn sau 20 ngày");
    expect(rows[1]).toHaveClass("urgent");
    await userEvent.click(within(rows[1]).getByTestId("lapsing-reassess"));
    expect(onreassess).toHaveBeenCalledWith("pd-dodol", "pr-dodol");
  });

  it("is not shown when nothing lapses", async () => {
    api.certificatesLapsing.mockResolvedValue([]);
    render(LapsingList, { onreassess: vi.fn() });
    await Promise.resolve();
    expect(screen.queryByTestId("lapsing-list")).toBeNull();
  });
});
