import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { credentials, signIn, snap } from "./helpers";

type Call = { path: string; headers: IncomingHttpHeaders; body: string };

/** The merchant's server: validationUrl, pushUrl, and the confirm and cancel pages the customer lands on. */
async function merchantServer(validationStatus: number) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      calls.push({ path, headers: req.headers, body });
      if (path === "/validate") return res.writeHead(validationStatus).end();
      if (path === "/confirm" || path === "/cancel") {
        return res.writeHead(200, { "content-type": "text/html" }).end(`<h1>Merchant ${path.slice(1)} page</h1>`);
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, calls, close: () => server.close() };
}

/** Seed 003's Node example, as the merchant verifies a callback. */
function verified(call: Call, apiKey: string): boolean {
  const payload = `${JSON.stringify(JSON.parse(call.body))}${call.headers["timestamp"]}`;
  return createHmac("sha256", apiKey).update(payload).digest("base64") === call.headers["twig-hmac"];
}

async function initOrder(request: APIRequestContext, merchant: Record<string, unknown>) {
  const address = { firstName: "John", lastName: "Doe", addressLine1: "123 Townsend St", city: "San Francisco", country: "CA", postalCode: "94107", countryCode: "US" };
  const res = await request.post("/v1/operations/order/init", {
    headers: { "x-api-key": credentials().key, "twig-api-version": "2022-01-01" },
    data: {
      merchantOrderReference: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      dateCreated: new Date().toISOString(),
      amount: { currencyCode: "USD", value: "220.00", breakdown: { items: "180.00", shipping: "20.00", tax: "20.00" } },
      customer: { firstName: "Taulant", lastName: "Berisha", email: "taulant@example.com", locale: "en-US" },
      lineItems: [
        { itemId: "123", name: "T-Shirt", description: "Green XL", imageUrl: "https://example.com/t.png", amount: "90.00", tax: "10.00", quantity: "1", category: "PHYSICAL_GOODS" },
        { itemId: "321", name: "Shoes", description: "Running, Size 10.5", imageUrl: "https://example.com/s.png", amount: "45.00", tax: "5.00", quantity: "2", category: "PHYSICAL_GOODS" },
      ],
      shipping: { method: "United States Postal Service", amount: "20.00", address },
      merchant,
    },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as { checkoutUrl: string; order: { orderId: string; merchantOrderReference: string } };
}

test("a customer authorizes a Twig order; the merchant validates it, gets pushes, and staff capture and refund it", async ({ page, browser, request }) => {
  const merchant = await merchantServer(200);
  try {
    const { checkoutUrl, order } = await initOrder(request, {
      confirmUrl: `${merchant.base}/confirm`,
      cancelUrl: `${merchant.base}/cancel`,
      validationUrl: `${merchant.base}/validate`,
      pushUrl: `${merchant.base}/push`,
      requiresValidateCallbackSuccess: true,
    });

    // The seed's PATCH URL ends in a slash; it is served as is, not redirected.
    const patched = await request.fetch("/v1/operations/order/", {
      method: "PATCH",
      maxRedirects: 0,
      headers: { "x-api-key": credentials().key },
      data: { orderId: order.orderId, updateItems: [{ operation: "UPDATE", field: "customer", value: '{"phoneNumber":"+14155550123"}' }] },
    });
    expect(patched.status()).toBe(200);
    expect((await patched.json()).customer.phoneNumber).toBe("+14155550123");

    // The customer, in a browser of their own, at checkoutUrl + "/" + orderId (seed 003).
    const customer = await browser.newPage();
    await customer.goto(`${checkoutUrl}/${order.orderId}`);
    await expect(customer.getByRole("heading", { name: "Review your order" })).toBeVisible();
    await expect(customer.getByText("TEST MODE").first()).toBeVisible();
    await expect(customer.getByText("Green XL")).toBeVisible();
    await snap(customer, "twig-checkout");
    await customer.getByRole("button", { name: "Authorize $220.00" }).click();
    await customer.waitForURL(`${merchant.base}/confirm?**`);
    expect(new URL(customer.url()).searchParams.get("orderId")).toBe(order.orderId);
    await expect(customer.getByRole("heading", { name: "Merchant confirm page" })).toBeVisible();

    const validation = merchant.calls.find((c) => c.path === "/validate")!;
    expect(JSON.parse(validation.body)).toMatchObject({ orderId: order.orderId, merchantOrderReference: order.merchantOrderReference, amount: { value: "220.00" } });
    expect(verified(validation, credentials().key)).toBe(true);

    // Staff capture part of it, then refund some, from the order page.
    await signIn(page, "owner");
    await page.goto(`/orders/${order.orderId}`);
    await expect(page.getByTestId("order-status")).toContainText("Authorized");
    await page.getByRole("button", { name: "Capture payment" }).click();
    await page.getByLabel("Amount to capture").fill("100.00");
    await page.getByRole("dialog").getByRole("button", { name: "Capture payment", exact: true }).click();
    await expect(page.getByTestId("order-status")).toContainText("Partially captured");
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await page.getByLabel("Amount to refund").fill("25.00");
    await page.getByRole("dialog").getByRole("button", { name: "Refund", exact: true }).click();
    await expect(page.getByTestId("order-status")).toContainText("Partially refunded");
    await snap(page, "twig-order-staff");

    const status = await request.get(`/v1/operations/order/${order.orderId}`, { headers: { "x-api-key": credentials().key } });
    expect(await status.json()).toMatchObject({ status: "PARTIALLY_REFUNDED", capturedAmount: "100.00", refundedAmount: "25.00", operations: [{ type: "CAPTURE" }, { type: "REFUND" }] });

    // The app's worker pushes each status change, signed with the key the order was made with.
    const pushes = () => merchant.calls.filter((c) => c.path === "/push").map((c) => JSON.parse(c.body).status);
    await expect.poll(pushes, { timeout: 15_000 }).toEqual(["AUTHORIZED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED"]);
    expect(merchant.calls.filter((c) => c.path === "/push").every((c) => verified(c, credentials().key))).toBe(true);
  } finally {
    merchant.close();
  }
});

test("a merchant that refuses the validation gets the order cancelled and the customer on its cancel page", async ({ browser, request }) => {
  const merchant = await merchantServer(400);
  try {
    const { checkoutUrl, order } = await initOrder(request, {
      confirmUrl: `${merchant.base}/confirm`,
      cancelUrl: `${merchant.base}/cancel`,
      validationUrl: `${merchant.base}/validate`,
      requiresValidateCallbackSuccess: true,
    });
    const customer = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await customer.goto(`${checkoutUrl}/${order.orderId}`);
    const overflow = await customer.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(customer, "twig-checkout-phone");
    await customer.getByRole("button", { name: /^Authorize/ }).click();
    await customer.waitForURL(`${merchant.base}/cancel?**`);
    const res = await request.get(`/v1/operations/order/${order.orderId}`, { headers: { "x-api-key": credentials().key } });
    const body = await res.json();
    expect(body.status).toBe("CANCELLED");
    expect(body.reason).toContain("HTTP 400");
    // Back on the checkout page, the customer reads why.
    await customer.goto(`${checkoutUrl}/${order.orderId}`);
    await expect(customer.getByRole("heading", { name: "This order was cancelled" })).toBeVisible();
  } finally {
    merchant.close();
  }
});
