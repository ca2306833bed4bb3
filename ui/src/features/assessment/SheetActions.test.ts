import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import SheetActions from "./SheetActions.svelte";

const api = vi.hoisted(() => ({ printSheet: vi.fn(), saveSheet: vi.fn() }));
vi.mock("$lib/api", () => api);

describe("SheetActions", () => {
  beforeEach(() => {
    setLang("id");
    vi.clearAllMocks();
  });

  it("prints the revision on screen in the officer's language", async () => {
    api.printSheet.mockResolvedValue("/tmp/ovop-field-sheets/Keripik-rev2.pdf");
    setLang("vi");
    render(SheetActions, { id: "a-1", revision: 2 });
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(api.printSheet).toHaveBeenCalledWith("a-1", 2, "vi");
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("saves where the officer chose and says where; closing the dialog says nothing", async () => {
    api.saveSheet.mockResolvedValueOnce("/home/rina/Dokumen/Keripik-rev2.pdf").mockResolvedValueOnce(null);
    render(SheetActions, { id: "a-1", revision: 2 });
    await userEvent.click(screen.getByTestId("sheet-save"));
    expect(api.saveSheet).toHaveBeenCalledWith("a-1", 2, "id", "Simpan lembar penilaian sebagai PDF");
    expect(await screen.findByTestId("sheet-saved")).toHaveTextContent("Lembar disimpan di /home/rina/Dokumen/Keripik-rev2.pdf");
    await userEvent.click(screen.getByTestId("sheet-save"));
    await waitFor(() => expect(screen.queryByTestId("sheet-saved")).toBeNull());
  });

  it("says in words why the sheet could not be printed or saved", async () => {
    api.printSheet.mockRejectedValue({ code: "sheet.no_viewer", message: "no program opens PDF files here" });
    api.saveSheet.mockRejectedValue({ code: "sheet.write", message: "cannot write /x.pdf" });
    render(SheetActions, { id: "a-1", revision: 1 });
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(await screen.findByTestId("error")).toHaveTextContent("Tidak ada aplikasi untuk membuka PDF di laptop ini");
    await userEvent.click(screen.getByTestId("sheet-save"));
    await waitFor(() => expect(screen.getByTestId("error")).toHaveTextContent("Lembar tidak dapat disimpan di sana"));
    expect(screen.getByTestId("sheet-print")).toBeEnabled();
  });
});
