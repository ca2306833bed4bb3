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
    expect(api.printSheet).toHaveBeenCalledWith("a-1", 2, "vi", "sheet");
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("saves where the officer chose and says where; closing the dialog says nothing", async () => {
    api.saveSheet.mockResolvedValueOnce("/home/rina/Dokumen/Keripik-rev2.pdf").mockResolvedValueOnce(null);
    render(SheetActions, { id: "a-1", revision: 2 });
    await userEvent.click(screen.getByTestId("sheet-save"));
    expect(api.saveSheet).toHaveBeenCalledWith("a-1", 2, "id", "Simpan lembar penilaian sebagai PDF", "sheet");
    expect(await screen.findByTestId("sheet-saved")).toHaveTextContent("Lembar disimpan di /home/rina/Dokumen/Keripik-rev2.pdf");
    await userEvent.click(screen.getByTestId("sheet-save"));
    await waitFor(() => expect(screen.queryByTestId("sheet-saved")).toBeNull());
  });

  it("offers the producer's receipt, and the council's sheet only when there was a council", async () => {
    api.printSheet.mockResolvedValue("/tmp/x.pdf");
    const { unmount } = render(SheetActions, { id: "a-1", revision: 1 });
    const options = () => Array.from(screen.getByTestId("sheet-kind").querySelectorAll("option")).map((o) => o.textContent);
    expect(options()).toEqual(["Lembar penilaian", "Tanda terima untuk produsen"]);
    await userEvent.selectOptions(screen.getByTestId("sheet-kind"), "receipt");
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(api.printSheet).toHaveBeenLastCalledWith("a-1", 1, "id", "receipt");
    unmount();
    render(SheetActions, { id: "a-1", revision: 1, council: true });
    expect(options()).toEqual(["Lembar penilaian", "Tanda terima untuk produsen", "Lembar hasil tim penilai"]);
    await userEvent.selectOptions(screen.getByTestId("sheet-kind"), "council");
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(api.printSheet).toHaveBeenLastCalledWith("a-1", 1, "id", "council");
  });

  it("offers the minutes of the council's session for a final sheet of a round at a level", async () => {
    api.printSheet.mockResolvedValue("/tmp/x.pdf");
    render(SheetActions, { id: "a-1", revision: 1, council: true, session: true });
    const options = Array.from(screen.getByTestId("sheet-kind").querySelectorAll("option")).map((o) => o.textContent);
    expect(options.at(-1)).toBe("Berita acara rapat dewan");
    await userEvent.selectOptions(screen.getByTestId("sheet-kind"), "minutes");
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(api.printSheet).toHaveBeenLastCalledWith("a-1", 1, "id", "minutes");
  });

  it("offers the batch the office forwarded it in, by its number, only once it was forwarded", async () => {
    api.printSheet.mockResolvedValue("/tmp/x.pdf");
    render(SheetActions, { id: "a-1", revision: 1, session: true, forwardedBatch: 7 });
    const options = Array.from(screen.getByTestId("sheet-kind").querySelectorAll("option")).map((o) => o.textContent);
    expect(options.at(-1)).toBe("Berkas usulan ke tingkat berikutnya (berkas 7)");
    await userEvent.selectOptions(screen.getByTestId("sheet-kind"), "forwarded");
    await userEvent.click(screen.getByTestId("sheet-print"));
    expect(api.printSheet).toHaveBeenLastCalledWith("a-1", 1, "id", "forwarded");
  });

  it("does not offer a forwarded batch for a sheet the office has not forwarded", () => {
    render(SheetActions, { id: "a-1", revision: 1, session: true });
    const values = Array.from(screen.getByTestId("sheet-kind").querySelectorAll("option")).map((o) => o.value);
    expect(values).not.toContain("forwarded");
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
