import { expect, test } from "@playwright/test";
import { api, signIn, snap } from "./helpers";

const chart = (page: import("@playwright/test").Page) => page.getByTestId("recovery-chart");

test("staff find a cart, send a link; the customer pays and the open dashboard updates by itself", async ({ page, browser }) => {
  // The longest journey here, with two browsers: 15 s on a quiet machine, once over the 60 s limit on a loaded one.
  test.slow();
  await signIn(page, "owner");
  await expect(chart(page)).toBeVisible();
  const recoveredBefore = Number(await chart(page).getAttribute("data-recovered"));
  await snap(page, "overview");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Carts" }).click();
  await expect(page.getByTestId("carts-table")).toBeVisible();
  await snap(page, "carts");

  const tabs = page.getByRole("navigation", { name: "Cart status" });
  await tabs.getByRole("link", { name: /Abandoned/ }).click();
  await expect(page).toHaveURL(/status=abandoned/);

  await page.getByLabel("Search carts").fill("noah");
  await page.getByLabel("Search carts").press("Enter");
  await expect(page).toHaveURL(/q=noah/);
  await expect(page.getByRole("link", { name: /noah\.kim@example\.com/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /ava\.martin@example\.com/ })).toHaveCount(0);
  await snap(page, "carts-search");

  // The view is in the URL: a reload keeps it.
  await page.reload();
  await expect(page.getByLabel("Search carts")).toHaveValue("noah");

  await page.getByRole("link", { name: /noah\.kim@example\.com/ }).click();
  await expect(page.getByTestId("cart-status")).toContainText("Abandoned");
  await page.getByRole("button", { name: "Generate payment link" }).click();
  const linkInput = page.getByLabel("Payment link");
  await expect(linkInput).toHaveValue(/\/r\/[\w-]{20,}$/);
  const link = await linkInput.inputValue();
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("Payment link generated");
  await snap(page, "cart-detail");

  // The customer, in a browser of their own, opens the link and pays in test mode.
  const customer = await browser.newContext();
  const shop = await customer.newPage();
  await shop.goto(link);
  await expect(shop.getByRole("note")).toContainText("TEST MODE");
  await shop.getByRole("button", { name: /Pay .* \(test\)/ }).click();
  await expect(shop.getByRole("heading", { name: "Payment received — thank you!" })).toBeVisible();
  await customer.close();

  // No reload: the open cart page learns of the payment within seconds.
  await expect(page.getByTestId("cart-status")).toContainText("Recovered", { timeout: 15_000 });
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("Paid");
  await snap(page, "cart-detail-recovered");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
  await expect(chart(page)).toHaveAttribute("data-recovered", String(recoveredBefore + 1));
});

test("a revoked API key is refused by the API at once", async ({ page, request }) => {
  await signIn(page, "owner");
  await page.goto("/settings");
  await page.getByLabel("Key name").fill("E2E temporary");
  await page.getByRole("button", { name: "Create API key" }).click();
  const newKey = page.getByLabel("New API key");
  await expect(newKey).toHaveValue(/^cbk_/);
  const key = await newKey.inputValue();
  await snap(page, "settings");

  expect((await api(request, "GET", "/api/carts", undefined, key)).status).toBe(200);
  await page.getByRole("button", { name: "Revoke key E2E temporary" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  // The key's revoke button goes once the server confirmed ("revoked" also appears in other settings' help).
  await expect(page.getByRole("button", { name: "Revoke key E2E temporary" })).toHaveCount(0);
  await expect(page.getByText("Revoked", { exact: true }).first()).toBeVisible();
  expect((await api(request, "GET", "/api/carts", undefined, key)).status).toBe(401);
  // the business's own key still works
  expect((await api(request, "GET", "/api/carts")).status).toBe(200);
});

test("a viewer can look but cannot generate a link", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/carts?status=abandoned");
  await page.getByTestId("carts-table").getByRole("link").first().click();
  await expect(page.getByTestId("cart-status")).toBeVisible();
  await expect(page.getByRole("button", { name: "Generate payment link" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Mark recovered" })).toHaveCount(0);
  const id = page.url().split("/carts/")[1]!;
  const res = await page.request.post(`/api/dashboard/carts/${id}/link`, { data: {}, headers: { origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(403);
  await snap(page, "cart-detail-viewer");
});

test("on a phone the pages fit the screen", async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await signIn(page, "owner");
  for (const [path, name] of [
    ["/", "phone-overview"],
    ["/carts", "phone-carts"],
    ["/settings", "phone-settings"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    await snap(page, name);
  }
  await page.goto("/carts");
  await page.getByTestId("carts-table").getByRole("link").first().click();
  await expect(page.getByTestId("cart-status")).toBeVisible();
  await snap(page, "phone-cart-detail");
  await phone.close();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "owner");
  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/carts");
  await expect(page).toHaveURL(/\/login$/);
  await snap(page, "login");
});

test("dark mode follows the system", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await signIn(page, "owner");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe("rgb(248, 250, 252)"); // slate-50, the light background
  await snap(page, "dark-overview");
  await page.goto("/carts");
  await snap(page, "dark-carts");
  await page.getByTestId("carts-table").getByRole("link").first().click();
  await expect(page.getByTestId("cart-status")).toBeVisible();
  await snap(page, "dark-cart-detail");
  await page.goto("/settings");
  await snap(page, "dark-settings");
  await context.close();
});
