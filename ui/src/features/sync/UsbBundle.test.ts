import { setLang } from "$lib/i18n/index.svelte";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import UsbBundle from "./UsbBundle.svelte";

const api = vi.hoisted(() => ({
  bundleWrite: vi.fn(),
  bundleReceipt: vi.fn(),
  pickFolder: vi.fn(async () => null),
  pickReceiptFile: vi.fn(async () => null),
}));
vi.mock("$lib/api", () => api);

describe("the outbox on a USB stick", () => {
  beforeEach(() => {
    setLang("id");
    api.bundleWrite.mockReset();
    api.bundleReceipt.mockReset();
  });

  it("writes a bundle into the folder typed and says what it holds", async () => {
    const user = userEvent.setup();
    api.bundleWrite.mockResolvedValue({ path: "/media/usb/ovop-budi-20261207T0700.ovopbundle", written: { records: 42, photos: 7, bytes: 123456 } });
    render(UsbBundle);
    expect(screen.getByTestId("bundle-write")).toHaveProperty("disabled", true);
    await user.type(screen.getByTestId("bundle-folder"), "/media/usb");
    await user.click(screen.getByTestId("bundle-write"));
    const done = await screen.findByTestId("bundle-written");
    expect(done.textContent).toContain("42 catatan, 7 foto");
    expect(done.textContent).toContain("ovop-budi-20261207T0700.ovopbundle");
    expect(api.bundleWrite).toHaveBeenCalledWith("/media/usb");
  });

  it("imports the office's receipt, and says in words why a wrong one is refused", async () => {
    const user = userEvent.setup();
    const onsettled = vi.fn();
    api.bundleReceipt
      .mockRejectedValueOnce({ code: "receipt.bad_signature", message: "not for this laptop" })
      .mockResolvedValueOnce({ sent: 40, rejected: 1, conflicts: 1, photos_arrived: 7, photos_missing: 0 });
    render(UsbBundle, { onsettled });
    await user.type(screen.getByTestId("bundle-receipt"), "/media/usb/x.receipt.json");
    await user.click(screen.getByTestId("bundle-import-receipt"));
    const error = await screen.findByTestId("error");
    expect(error.dataset.code).toBe("receipt.bad_signature");
    expect(error.textContent).toContain("bukan untuk laptop ini");
    expect(onsettled).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("bundle-import-receipt"));
    const settled = await screen.findByTestId("bundle-settled");
    expect(settled.textContent).toContain("40 terkirim, 2 disisihkan");
    expect(onsettled).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("error")).toBeNull();
  });
});
