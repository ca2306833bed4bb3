import type { ActionView, AssessmentSummary, CoachingAction, DueAction, PlanView, StepView } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import DueActions from "./DueActions.svelte";
import ProductPlan from "./ProductPlan.svelte";

const api = vi.hoisted(() => ({
  coachingPlan: vi.fn(),
  coachingSteps: vi.fn(),
  coachingDue: vi.fn(),
  listAssessments: vi.fn(),
  listPhotos: vi.fn(async (_kind: string, _id: string): Promise<unknown[]> => []),
  addPhoto: vi.fn(),
  saveCoachingPlan: vi.fn(),
  saveCoachingAction: vi.fn(),
  recordCoachingVisit: vi.fn(),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

function step(code: string, points: number, next: number, reaches = false): StepView {
  return {
    step: { criterion: code, points, next_points: next, next_level: 1, max_points: 3, gap: 3 - points, reaches_next_star: reaches },
    title: { id: `Kriteria ${code}`, en: `Criterion ${code}` },
    next: { id: `Tingkat berikut ${code}` },
  };
}

function action(id: string, fields: Partial<CoachingAction["action"]> = {}): CoachingAction {
  return {
    id,
    revision: 1,
    product_id: "pr-1",
    assessment_id: "a-1",
    action: { criterion: "1.1", target_points: 3, support: "packaging", owner: "officer", due: "2027-03-01", notes: "", progress: "not_started", ...fields },
    visit_id: null,
    changed_at: "2027-02-01T00:00:00Z",
  };
}

const final = { id: "a-1", status: "final" } as AssessmentSummary;

describe("A product's coaching plan", () => {
  beforeEach(() => {
    setLang("id");
    vi.clearAllMocks();
  });

  it("is made from the latest final assessment's steps: the ticked ones become actions with their support and day", async () => {
    api.coachingPlan.mockResolvedValue({ actions: [], visits: [], history: [] } satisfies PlanView);
    api.listAssessments.mockResolvedValue([{ id: "a-2", status: "draft" } as AssessmentSummary, final]);
    api.coachingSteps.mockResolvedValue([step("1.1", 1, 2, true), step("2.3", 1, 2), step("3.1", 2, 3), step("4.2", 2, 3)]);
    api.saveCoachingPlan.mockResolvedValue([action("x"), action("y")]);
    render(ProductPlan, { productId: "pr-1" });
    await userEvent.click(await screen.findByTestId("coaching-start"));
    expect(api.coachingSteps).toHaveBeenCalledWith("a-1");
    const steps = await screen.findAllByTestId("coaching-step");
    expect(steps).toHaveLength(4);
    expect(steps[0]).toHaveTextContent("cukup untuk bintang berikutnya");
    // The first three are ticked; the third is unticked by the officer.
    await userEvent.click(within(steps[2]).getByRole("checkbox"));
    const supports = screen.getAllByTestId("coaching-support");
    expect(supports).toHaveLength(2);
    await userEvent.selectOptions(supports[0], "packaging");
    const days = screen.getAllByTestId("coaching-due");
    await userEvent.type(days[0], "2027-03-01");
    // The second is the province's laboratory's, named.
    await userEvent.selectOptions(screen.getAllByTestId("coaching-owner")[1], "office");
    await userEvent.type(screen.getByTestId("coaching-owner-name"), "UPT Laboratorium Provinsi");
    await userEvent.click(screen.getByTestId("coaching-save"));
    // One call: the plan is stored whole or not at all.
    expect(api.saveCoachingPlan).toHaveBeenCalledTimes(1);
    expect(api.saveCoachingPlan).toHaveBeenCalledWith("pr-1", "a-1", [
      expect.objectContaining({ criterion: "1.1", target_points: 2, support: "packaging", due: "2027-03-01", owner: "officer", owner_name: null, progress: "not_started" }),
      expect.objectContaining({ criterion: "2.3", support: "other", due: null, owner: "office", owner_name: "UPT Laboratorium Provinsi" }),
    ]);
  });

  it("shows each action's standing and records a visit with each open action's progress, a dropped one with its reason", async () => {
    const views: ActionView[] = [
      { action: action("act-1"), due: "overdue", criterion_title: { id: "Kemasan dan label" } },
      { action: action("act-2", { criterion: null, target_points: null, support: "finance", owner: "partner", owner_name: "Bank BPD", due: null }), due: null, criterion_title: null },
      { action: action("act-3", { progress: "done" }), due: null, criterion_title: { id: "Uji laboratorium" } },
    ];
    api.coachingPlan.mockResolvedValue({ actions: views, visits: [], history: [] } satisfies PlanView);
    api.listAssessments.mockResolvedValue([final]);
    api.recordCoachingVisit.mockImplementation(async (v) => ({ ...v, id: "v-1" }));
    render(ProductPlan, { productId: "pr-1" });
    const rows = await screen.findAllByTestId("coaching-action");
    expect(rows[0]).toHaveTextContent("lewat tenggat");
    expect(rows[0]).toHaveTextContent("Kemasan dan label");
    expect(rows[1]).toHaveTextContent("Bank BPD");
    expect(rows[2]).toHaveAttribute("data-progress", "done");
    // A plan already made is not offered again.
    expect(screen.queryByTestId("coaching-start")).toBeNull();

    await userEvent.click(screen.getByTestId("coaching-visit"));
    const open = screen.getAllByTestId("visit-action");
    expect(open).toHaveLength(2);
    const progress = screen.getAllByTestId("visit-progress");
    await userEvent.selectOptions(progress[0], "done");
    await userEvent.selectOptions(progress[1], "dropped");
    await userEvent.type(screen.getByTestId("visit-reason"), "Produsen memilih koperasi");
    await userEvent.type(screen.getByTestId("visit-notes"), "Label sudah dicetak");
    await userEvent.click(screen.getByTestId("visit-save"));
    expect(api.recordCoachingVisit).toHaveBeenCalledWith(
      expect.objectContaining({
        product_id: "pr-1",
        notes: "Label sudah dicetak",
        updates: [
          { action_id: "act-1", progress: "done", done: "", dropped_because: null },
          { action_id: "act-2", progress: "dropped", done: "", dropped_because: "Produsen memilih koperasi" },
        ],
      }),
    );
  });

  it("shows each visit with its photos, taking more only until it is sent, and what was done before each change of score", async () => {
    const visit = (id: string, day: string) => ({ id, product_id: "pr-1", visited_on: day, notes: `kunjungan ${id}`, updates: [{ action_id: "act-1", progress: "done" as const, done: "label" }] });
    const photo = { sha256: "ab".repeat(32), size: 10, mime: "image/jpeg", width: 4, height: 3, name: "label.jpg", criterion: "", added_at: "2027-01-10T00:00:00Z" };
    api.listPhotos.mockImplementation(async (_kind: string, id: string) => (id === "v-2" ? [photo] : []));
    api.coachingPlan.mockResolvedValue({
      actions: [{ action: action("act-1", { progress: "done" }), due: null, criterion_title: { id: "Kemasan dan label" } }],
      visits: [
        { visit: visit("v-1", "2027-01-20"), photos: [], takes_photos: true },
        { visit: visit("v-2", "2027-01-10"), photos: [photo], takes_photos: false },
      ],
      history: [
        {
          assessment_id: "a-2",
          assessed_on: "2027-03-01",
          total: "50",
          star: 4,
          previous_total: "44",
          previous_star: 3,
          done_before: [{ action_id: "act-1", support: "packaging", criterion: "1.1", visited_on: "2027-01-10" }],
        },
      ],
    } as PlanView);
    api.listAssessments.mockResolvedValue([final]);
    render(ProductPlan, { productId: "pr-1" });
    const visits = await screen.findAllByTestId("coaching-visit-row");
    expect(visits).toHaveLength(2);
    expect(visits[0]).toHaveAttribute("data-takes-photos", "true");
    expect(visits[0]).toHaveTextContent("sampai kunjungan dikirim");
    expect(within(visits[0]).getByTestId("photo-input")).toBeInTheDocument();
    expect(api.listPhotos).toHaveBeenCalledWith("coaching_visit", "v-1");
    // A sent visit shows its photo and offers no more.
    await vi.waitFor(() => expect(within(visits[1]).getAllByTestId("photo-thumb")).toHaveLength(1));
    expect(within(visits[1]).queryByTestId("photo-input")).toBeNull();
    const change = screen.getByTestId("score-change");
    expect(within(change).getByTestId("score-change-figures")).toHaveTextContent("44 → 50 · 3★ → 4★");
    expect(within(change).getByTestId("score-change-action")).toHaveTextContent("Kemasan dan label · 1.1");
  });

  it("changes an open action's support, owner, day and notes, keeping its aim and progress, and adds one of the officer's own", async () => {
    const views: ActionView[] = [
      { action: action("act-1", { progress: "in_progress" }), due: "later", criterion_title: { id: "Kemasan dan label" } },
      { action: action("act-2", { progress: "done" }), due: null, criterion_title: { id: "Uji laboratorium" } },
    ];
    api.coachingPlan.mockResolvedValue({ actions: views, visits: [], history: [] } satisfies PlanView);
    api.listAssessments.mockResolvedValue([final]);
    api.saveCoachingAction.mockImplementation(async (id, productId, assessmentId, a) => ({ ...action(id ?? "act-9"), product_id: productId, assessment_id: assessmentId, action: a }));
    render(ProductPlan, { productId: "pr-1" });
    const rows = await screen.findAllByTestId("coaching-action");
    // Only an open action is changed; a done one is what its visits made it.
    expect(within(rows[0]).getByTestId("coaching-edit")).toBeInTheDocument();
    expect(within(rows[1]).queryByTestId("coaching-edit")).toBeNull();
    await userEvent.click(within(rows[0]).getByTestId("coaching-edit"));
    const form = within(rows[0]).getByTestId("coaching-action-form");
    expect(within(form).getByTestId("action-due")).toHaveValue("2027-03-01");
    await userEvent.selectOptions(within(form).getByTestId("action-support"), "training");
    await userEvent.selectOptions(within(form).getByTestId("action-owner"), "partner");
    await userEvent.type(within(form).getByTestId("action-owner-name"), "Rumah Kemasan Banjarbaru");
    const due = within(form).getByTestId("action-due");
    await userEvent.clear(due);
    await userEvent.type(due, "2027-04-15");
    await userEvent.type(within(form).getByTestId("action-notes"), "Desain label dua bahasa");
    await userEvent.click(within(form).getByTestId("action-save"));
    expect(api.saveCoachingAction).toHaveBeenCalledWith("act-1", "pr-1", "a-1", {
      criterion: "1.1",
      target_points: 3,
      support: "training",
      owner: "partner",
      owner_name: "Rumah Kemasan Banjarbaru",
      due: "2027-04-15",
      notes: "Desain label dua bahasa",
      progress: "in_progress",
    });
    // The plan is read again after the change.
    await vi.waitFor(() => expect(api.coachingPlan).toHaveBeenCalledTimes(2));

    await userEvent.click(await screen.findByTestId("coaching-add"));
    await userEvent.selectOptions(screen.getByTestId("action-support"), "finance");
    await userEvent.type(screen.getByTestId("action-notes"), "Pengajuan KUR ke bank");
    await userEvent.click(screen.getByTestId("action-save"));
    expect(api.saveCoachingAction).toHaveBeenLastCalledWith(null, "pr-1", null, {
      criterion: null,
      target_points: null,
      support: "finance",
      owner: "officer",
      owner_name: null,
      due: null,
      notes: "Pengajuan KUR ke bank",
      progress: "not_started",
    });
  });

  it("keeps a refused change on screen and says why", async () => {
    api.coachingPlan.mockResolvedValue({ actions: [{ action: action("act-1"), due: "later", criterion_title: null }], visits: [], history: [] } satisfies PlanView);
    api.listAssessments.mockResolvedValue([final]);
    api.saveCoachingAction.mockRejectedValue({ code: "store.invalid", message: "owner_name is required when another office or a partner owns the action" });
    render(ProductPlan, { productId: "pr-1" });
    await userEvent.click(await screen.findByTestId("coaching-edit"));
    await userEvent.click(screen.getByTestId("action-save"));
    expect(await screen.findByTestId("error")).toBeInTheDocument();
    expect(screen.getByTestId("coaching-action-form")).toBeInTheDocument();
  });

  it("shows nothing for a product with no plan and no final assessment", async () => {
    api.coachingPlan.mockResolvedValue({ actions: [], visits: [], history: [] });
    api.listAssessments.mockResolvedValue([]);
    render(ProductPlan, { productId: "pr-1" });
    await vi.waitFor(() => expect(api.listAssessments).toHaveBeenCalled());
    expect(screen.queryByTestId("coaching-plan")).toBeNull();
  });

  it("says in words why the plan could not be saved", async () => {
    api.coachingPlan.mockResolvedValue({ actions: [], visits: [], history: [] });
    api.listAssessments.mockResolvedValue([final]);
    api.coachingSteps.mockResolvedValue([step("1.1", 1, 2)]);
    api.saveCoachingPlan.mockRejectedValue({ code: "store.invalid", message: "due is not a day (YYYY-MM-DD)" });
    render(ProductPlan, { productId: "pr-1" });
    await userEvent.click(await screen.findByTestId("coaching-start"));
    await userEvent.click(await screen.findByTestId("coaching-save"));
    expect(await screen.findByTestId("error")).toBeInTheDocument();
    expect(screen.getByTestId("coaching-steps")).toBeInTheDocument();
  });
});

describe("The home screen's coaching due", () => {
  beforeEach(() => {
    setLang("en");
    vi.clearAllMocks();
  });

  it("lists the overdue and this week's actions and opens their product", async () => {
    const due: DueAction[] = [
      { action: action("act-1", { due: "2027-02-20" }), due: "overdue", product_name: "Tikar purun", producer_id: "pd-1", producer_name: "KUB Purun" },
      { action: action("act-2", { support: "lab_test" }), due: "this_week", product_name: "Tikar purun", producer_id: "pd-1", producer_name: "KUB Purun" },
    ];
    api.coachingDue.mockResolvedValue(due);
    const onopen = vi.fn();
    render(DueActions, { onopen });
    const rows = await screen.findAllByTestId("due-row");
    expect(rows[0]).toHaveTextContent("overdue since");
    expect(rows[0]).toHaveTextContent("Packaging and label");
    expect(rows[1]).toHaveTextContent("Lab test");
    expect(rows[1]).toHaveTextContent("due");
    await userEvent.click(within(rows[1]).getByTestId("due-open"));
    expect(onopen).toHaveBeenCalledWith("pd-1", "pr-1");
  });

  it("records a follow-up visit from the list without opening the product, and the done action leaves it", async () => {
    const due: DueAction[] = [
      { action: action("act-1", { due: "2027-02-20" }), due: "overdue", product_name: "Tikar purun", producer_id: "pd-1", producer_name: "KUB Purun" },
    ];
    api.coachingDue.mockResolvedValueOnce(due).mockResolvedValueOnce([]);
    api.recordCoachingVisit.mockImplementation(async (v) => ({ ...v, id: "v-9" }));
    const onopen = vi.fn();
    render(DueActions, { onopen });
    await userEvent.click(await screen.findByTestId("due-visit"));
    const day = screen.getByTestId("due-visit-day");
    await userEvent.clear(day);
    await userEvent.type(day, "2027-02-22");
    await userEvent.type(screen.getByTestId("due-visit-done"), "New label in use");
    await userEvent.click(screen.getByTestId("due-visit-save"));
    expect(api.recordCoachingVisit).toHaveBeenCalledWith({
      id: "",
      product_id: "pr-1",
      visited_on: "2027-02-22",
      notes: "New label in use",
      updates: [{ action_id: "act-1", progress: "done", done: "New label in use", dropped_because: null }],
    });
    expect(onopen).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(screen.queryByTestId("due-actions")).toBeNull());
  });

  it("keeps the list and says why when the visit is refused", async () => {
    const due: DueAction[] = [
      { action: action("act-1", { due: "2027-02-20" }), due: "overdue", product_name: "Tikar purun", producer_id: "pd-1", producer_name: "KUB Purun" },
    ];
    api.coachingDue.mockResolvedValue(due);
    api.recordCoachingVisit.mockRejectedValue({ code: "store.invalid", message: "dropped_because is required when an action is dropped" });
    render(DueActions, { onopen: vi.fn() });
    await userEvent.click(await screen.findByTestId("due-visit"));
    await userEvent.selectOptions(screen.getByTestId("due-visit-progress"), "dropped");
    await userEvent.type(screen.getByTestId("due-visit-reason"), " ");
    await userEvent.click(screen.getByTestId("due-visit-save"));
    expect(await screen.findByTestId("error")).toBeInTheDocument();
    expect(screen.getByTestId("due-visit-form")).toBeInTheDocument();
    expect(screen.getAllByTestId("due-row")).toHaveLength(1);
  });

  it("shows nothing when nothing is due", async () => {
    api.coachingDue.mockResolvedValue([]);
    render(DueActions, { onopen: vi.fn() });
    await vi.waitFor(() => expect(api.coachingDue).toHaveBeenCalled());
    expect(screen.queryByTestId("due-actions")).toBeNull();
  });
});
