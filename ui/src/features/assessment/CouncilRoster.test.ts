import type { CouncilQuorum, Roster } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import CouncilRoster from "./CouncilRoster.svelte";

const PRESENT = ["Siti Rahmah", "Budi Santoso", "Dewi Lestari"];

function counted(present: number, appointed: number, required: number, chair_present: boolean, met: boolean): CouncilQuorum {
  return {
    check: { appointed, present, required, chair_present, chair_required: true, met },
    problem: null,
    name: null,
    required: true,
  };
}

function show(roster: Roster | null, quorum: CouncilQuorum, onroster = vi.fn(async () => true), draft = true) {
  render(CouncilRoster, { props: { present: PRESENT, roster, quorum, draft, editable: true, onroster } });
  return onroster;
}

describe("the council's roster", () => {
  beforeEach(() => setLang("en"));

  it("asks for the chair and the absent members until there is a roster", () => {
    show(null, { check: null, problem: "missing", name: null, required: true });
    const line = screen.getByTestId("roster-quorum");
    expect(line.dataset.tone).toBe("problem");
    expect(line.textContent).toContain("Choose the council's chair and record the absent members");
    expect((screen.getByTestId("roster-chair") as HTMLSelectElement).value).toBe("");
  });

  it("says the count and whether the quorum is reached, in the officer's language", () => {
    show({ chair: "Siti Rahmah", absent: [{ name: "Agus Salim", title: null, unit: null, role: "anggota" }] }, counted(3, 4, 3, true, true));
    const line = screen.getByTestId("roster-quorum");
    expect(line.dataset.tone).toBe("ok");
    expect(line.textContent).toContain("3 of 4 members present, 3 needed · the chair present — reached");
    expect(screen.getAllByTestId("roster-absent-member").map((m) => m.textContent?.trim())).toEqual(["Agus Salim · anggota"]);
  });

  it("warns when the quorum is short, in Indonesian too", () => {
    setLang("id");
    show({ chair: "Siti Rahmah", absent: [{ name: "Agus", title: null, unit: null, role: null }, { name: "Rina", title: null, unit: null, role: null }] }, counted(3, 5, 4, true, false));
    const line = screen.getByTestId("roster-quorum");
    expect(line.dataset.tone).toBe("short");
    expect(line.textContent).toContain("3 dari 5 anggota hadir, paling sedikit 4");
    expect(line.textContent).toContain("belum terpenuhi");
  });

  it("names the problem the engine found", () => {
    show({ chair: "Joko", absent: [] }, { check: null, problem: "chair_unknown", name: "Joko", required: true });
    expect(screen.getByTestId("roster-quorum").textContent).toContain("The chair Joko is not a member of this council.");
  });

  it("saves the chair chosen among present and absent members, and an absent member added or removed", async () => {
    const user = userEvent.setup();
    const agus = { name: "Agus Salim", title: null, unit: null, role: null };
    const onroster = show({ chair: "", absent: [agus] }, { check: null, problem: "no_chair", name: null, required: true });
    const options = [...(screen.getByTestId("roster-chair") as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(["", ...PRESENT, "Agus Salim"]);
    await user.selectOptions(screen.getByTestId("roster-chair"), "Budi Santoso");
    expect(onroster).toHaveBeenLastCalledWith({ chair: "Budi Santoso", absent: [agus] });

    await user.click(screen.getByTestId("roster-add-absent"));
    await user.click(screen.getByTestId("roster-absent-confirm"));
    expect(onroster).toHaveBeenCalledTimes(1);
    expect(screen.getByText("The member's name is required.")).toBeTruthy();
    await user.type(screen.getByTestId("roster-absent-name"), "  Rina Wati ");
    await user.type(screen.getByTestId("roster-absent-role"), "sekretaris");
    await user.click(screen.getByTestId("roster-absent-confirm"));
    expect(onroster).toHaveBeenLastCalledWith({ chair: "", absent: [agus, { name: "Rina Wati", title: null, unit: null, role: "sekretaris" }] });
    expect(screen.queryByTestId("roster-form")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Remove Agus Salim from the absent" }));
    expect(onroster).toHaveBeenLastCalledWith({ chair: "", absent: [] });
  });

  it("is read-only on a final sheet", () => {
    show({ chair: "Siti Rahmah", absent: [] }, counted(3, 3, 3, true, true), vi.fn(), false);
    expect((screen.getByTestId("roster-chair") as HTMLSelectElement).disabled).toBe(true);
    expect(screen.queryByTestId("roster-add-absent")).toBeNull();
  });
});
