import { expect, test, type APIRequestContext } from "@playwright/test";
import { credentials, signIn, snap } from "./helpers";

/** POST /v1/checkout/generate-link with the e2e business's key, as a merchant's server would. */
async function generateLink(request: APIRequestContext, cart: unknown, options: unknown) {
  const { businessId, key } = credentials();
  const res = await request.post("/v1/checkout/generate-link", {
    headers: { Authorization: `Bearer ${key}` },
    data: {
      businessId,
      cart,
      customerData: { email: "mia.wong@example.com", firstName: "Mia", lastName: "Wong", phone: "+14155550100" },
      options,
    },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ success: true, sessionId: expect.stringMatching(/^session_/) });
  return body as { checkoutUrl: string; sessionId: string };
}

const cart = {
  items: [
    { productId: "prod_trail42", quantity: 2, price: 29.99, variant: "Size 42", metadata: { name: "Trail Runner" } },
    { productId: "prod_merino1", quantity: 1, price: 49.99, metadata: { name: "Merino Socks" } },
  ],
  currency: "USD",
  discounts: [{ code: "SAVE10", amount: 10, type: "percentage" }],
  shipping: { method: "standard", cost: 5.99, estimatedDays: 3 },
};

test("a customer pays a hosted checkout in test mode and lands on the merchant's redirectUrl", async ({ page, request, browser, baseURL }) => {
  const redirectUrl = `${baseURL}/checkout-done-test`;
  const { checkoutUrl, sessionId } = await generateLink(request, cart, {
    requireShipping: true,
    redirectUrl,
    customFields: { notes: "Delivery instructions" },
    theme: { primaryColor: "#16a34a" },
  });

  await page.goto(checkoutUrl);
  await expect(page.getByRole("heading", { name: "Checkout", level: 1 })).toBeVisible();
  await expect(page.getByRole("note")).toContainText("TEST MODE");
  await expect(page).toHaveTitle("Checkout · E2E Outfitters");

  // The summary: items by their metadata names, the discount with its code, shipping, exact totals.
  const summary = page.getByRole("region", { name: "Order summary" });
  await expect(summary.getByText("Trail Runner")).toBeVisible();
  await expect(summary.getByText("Size 42")).toBeVisible();
  await expect(summary.getByText("Merino Socks")).toBeVisible();
  await expect(summary.getByText("SAVE10")).toBeVisible();
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$109.97");
  await expect(page.getByTestId("summary-discount-0")).toHaveText("−$11.00");
  await expect(page.getByTestId("summary-shipping")).toHaveText("$5.99");
  await expect(page.getByTestId("summary-total")).toHaveText("$104.96");

  // Prefilled from customerData; the business's colour on the Pay button.
  await expect(page.getByLabel("Email")).toHaveValue("mia.wong@example.com");
  await expect(page.getByLabel("First name")).toHaveValue("Mia");
  await expect(page.getByLabel("Phone (optional)")).toHaveValue("+14155550100");
  const payButton = page.getByRole("button", { name: "Pay $104.96" });
  await expect(payButton).toHaveCSS("background-color", "rgb(22, 163, 74)");

  // The shipping address is required here.
  await expect(page.getByLabel("Street address")).toHaveAttribute("required", "");
  await page.getByLabel("Street address").fill("500 Market St");
  await page.getByLabel("Apartment, suite, etc. (optional)").fill("Suite 12");
  await page.getByLabel("City").fill("San Francisco");
  await page.getByLabel("State / province").fill("CA");
  await page.getByLabel("Postal code").fill("94105");
  await page.getByLabel("Country").selectOption("US");
  await page.getByLabel("Notes (optional)").fill("Leave with the concierge");
  await page.evaluate(() => window.scrollTo(0, 0)); // the summary is sticky: shoot it in place
  await snap(page, "checkout");

  const dark = await browser.newContext({ colorScheme: "dark" });
  const darkPage = await dark.newPage();
  await darkPage.goto(checkoutUrl);
  await expect(darkPage.getByTestId("summary-total")).toHaveText("$104.96");
  await snap(darkPage, "checkout-dark");
  await dark.close();

  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  await phonePage.goto(checkoutUrl);
  await expect(phonePage.getByTestId("summary-total")).toHaveText("$104.96");
  const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(phonePage, "checkout-phone");
  await phone.close();

  await payButton.click();
  await expect(page).toHaveURL(/\/pay\/test\/ps_/);
  await expect(page.getByTestId("total")).toHaveText("$104.96");
  await page.getByRole("button", { name: "Pay $104.96 (test)" }).click();

  // Back through /checkout/{id}/complete to the merchant's page (which 404s here: any URL will do).
  await page.waitForURL((url) => url.pathname === "/checkout-done-test");
  const landed = new URL(page.url());
  const orderId = landed.searchParams.get("orderId");
  expect(orderId).toMatch(/^order_/);
  expect(landed.searchParams.get("sessionId")).toBe(sessionId);

  const status = await request.get(`/v1/checkout/order-status/${orderId}?includeDetails=true`, {
    headers: { Authorization: `Bearer ${credentials().key}` },
  });
  expect(status.status()).toBe(200);
  expect((await status.json()).order).toMatchObject({ id: orderId, status: "processing" });

  // The checkout link keeps answering sensibly after payment.
  await page.goto(checkoutUrl);
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Continue to E2E Outfitters" })).toHaveAttribute("href", `${redirectUrl}?orderId=${orderId}&sessionId=${sessionId}`);

  // Staff see the paid order in the dashboard and mark it fulfilled.
  const staff = await browser.newPage();
  await signIn(staff, "owner");
  await staff.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
  await expect(staff.getByTestId("orders-table")).toBeVisible();
  await snap(staff, "orders");
  await staff.getByTestId("orders-table").getByRole("link", { name: /mia\.wong@example\.com/ }).first().click();
  await expect(staff.getByTestId("order-status")).toContainText("Processing");
  await snap(staff, "order-detail");
  await staff.getByRole("button", { name: "Mark completed" }).click();
  await staff.getByRole("dialog").getByRole("button", { name: "Mark completed" }).click();
  await expect(staff.getByTestId("order-status")).toContainText("Completed");
  const after = await request.get(`/v1/orders/${orderId}`, { headers: { Authorization: `Bearer ${credentials().key}` } });
  expect((await after.json()).status).toBe("completed");
  await staff.close();
});

test("an expired checkout says so instead of taking a payment", async ({ page, request }) => {
  const { checkoutUrl } = await generateLink(request, cart, { expiresIn: 1, theme: { primaryColor: "#16a34a", secondaryColor: "#14532d" } });
  await page.waitForTimeout(1500);
  await page.goto(checkoutUrl);
  await expect(page.getByRole("heading", { name: "This checkout has expired" })).toBeVisible();
  await expect(page.getByText("E2E Outfitters").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Pay/ })).toHaveCount(0);
  await snap(page, "checkout-expired");
});

test("an unknown checkout is a 404 page", async ({ page }) => {
  const res = await page.goto("/checkout/session_doesnotexist123");
  expect(res?.status()).toBe(404);
});
