import { expect, test } from "@playwright/test";
import { api } from "./helpers";

test("a customer opens a recovery link, pays in test mode, and the cart is recovered", async ({ page, request }) => {
  const cart = await api(request, "POST", "/api/carts", {
    customerEmail: "mia@example.com",
    customerName: "Mia Wong",
    items: [
      { name: "Trail Runner", quantity: 1, price: "89.90" },
      { name: "Wool Socks", quantity: 2, price: 12.5 },
    ],
  });
  expect(cart.status).toBe(201);
  const id = cart.body.data.id;
  const link = await api(request, "POST", `/api/carts/${id}/payment-link`);
  expect(link.status).toBe(201);

  await page.goto(link.body.data.paymentLink);
  await expect(page).toHaveURL(/\/pay\/test\/ps_/);
  await expect(page.getByRole("note")).toContainText("TEST MODE");
  await expect(page.getByText("Trail Runner")).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("$114.90");
  await page.screenshot({ path: "test-results/screens/test-checkout.png", fullPage: true });

  await page.getByRole("button", { name: /Pay \$114\.90 \(test\)/ }).click();
  await expect(page.getByRole("heading", { name: "Payment received — thank you!" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/link-paid.png", fullPage: true });

  const after = await api(request, "GET", `/api/carts/${id}`);
  expect(after.body.data).toMatchObject({ status: "recovered", recoveredValue: 114.9 });

  // The link keeps answering sensibly after payment.
  await page.goto(link.body.data.paymentLink);
  await expect(page.getByRole("heading", { name: "Payment received — thank you!" })).toBeVisible();
});

test("a revoked link explains itself instead of taking a payment", async ({ page, request }) => {
  const cart = await api(request, "POST", "/api/carts", { customerEmail: "leo@example.com", items: [{ name: "Cap", quantity: 1, price: 20 }] });
  const id = cart.body.data.id;
  const link = await api(request, "POST", `/api/carts/${id}/payment-link`);
  await api(request, "DELETE", `/api/carts/${id}/payment-link`);
  await page.goto(link.body.data.paymentLink);
  await expect(page.getByRole("heading", { name: "This payment link is no longer active" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/link-revoked.png", fullPage: true });
});

test("an unknown link is a 404 page", async ({ page }) => {
  const res = await page.goto("/r/not-a-real-token");
  expect(res?.status()).toBe(404);
});
