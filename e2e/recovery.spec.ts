import { expect, test } from "@playwright/test";
import { signIn, snap } from "./helpers";

test("an owner edits the recovery sequence with a live preview, saves it, and finds it after a reload", async ({ page }) => {
  await signIn(page, "owner");
  await page.getByRole("link", { name: "Recovery" }).first().click();
  await expect(page.getByRole("list", { name: "Recovery steps" })).toBeVisible();
  const firstStep = page.getByRole("list", { name: "Recovery steps" }).getByRole("listitem").first();
  const subject = firstStep.getByLabel("Subject");
  await expect(subject).toHaveValue("You left something in your cart");

  await subject.fill("{{customer.firstName}}, your {{business.name}} cart is saved");
  // The preview follows the typing, with the sample customer and the business's name.
  await expect(firstStep.getByTestId("preview-subject")).toHaveText("Jane, your E2E Outfitters cart is saved");
  await snap(page, "recovery-sequence");

  await page.getByRole("button", { name: "Save sequence" }).click();
  await expect(page.getByText("Recovery sequence saved")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("list", { name: "Recovery steps" }).getByRole("listitem").first().getByLabel("Subject")).toHaveValue(
    "{{customer.firstName}}, your {{business.name}} cart is saved",
  );
});

test("a placeholder the template does not know is refused next to its field", async ({ page }) => {
  await signIn(page, "owner");
  await page.goto("/recovery");
  const firstStep = page.getByRole("list", { name: "Recovery steps" }).getByRole("listitem").first();
  await firstStep.getByLabel("Subject").fill("Hello {{customer.nickname}}");
  await page.getByRole("button", { name: "Save sequence" }).click();
  await expect(firstStep.getByText(/customer\.nickname/).first()).toBeVisible();
});

test("a viewer reads the sequence and its previews but cannot change them; the emails page lists the outbox", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/recovery");
  await expect(page.getByRole("list", { name: "Recovery steps" }).getByRole("listitem")).toHaveCount(3);
  await expect(page.getByRole("button", { name: "Save sequence" })).toHaveCount(0);
  await expect(page.getByRole("textbox")).toHaveCount(0);
  await page.goto("/recovery/messages?status=outbox");
  await expect(page.getByRole("tab", { name: /Outbox/ }).or(page.getByRole("link", { name: /Outbox/ })).first()).toBeVisible();
  await snap(page, "recovery-messages");
});
