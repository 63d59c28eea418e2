import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { api, signIn, snap } from "./helpers";

test("an owner subscribes an endpoint; a new abandoned cart reaches it signed, and the log shows it delivered", async ({ page, request }) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cartback`;
  try {
    await signIn(page, "owner");
    await page.goto("/settings#webhooks");
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByLabel(`Signing secret for ${url}`);
    await expect(secretField).toHaveValue(/^whsec_/);
    const secret = await secretField.inputValue();
    await snap(page, "settings-webhooks");

    const cart = await api(request, "POST", "/api/carts", { customerEmail: "hook@example.com", items: [{ name: "Scarf", quantity: 1, price: 39 }] });
    expect(cart.status).toBe(201);

    // The server's worker polls four times a second.
    await expect.poll(() => received.filter((r) => JSON.parse(r.body).type === "cart.abandoned").length, { timeout: 15_000 }).toBe(1);
    const hook = received.find((r) => JSON.parse(r.body).type === "cart.abandoned")!;
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({ id: expect.stringMatching(/^evt_/), type: "cart.abandoned", data: { cart: { id: cart.body.data.id, totalValue: 39 } } });
    // 000's verification snippet, verbatim in spirit: sha256= + hex HMAC of the raw body.
    const expected = `sha256=${createHmac("sha256", secret).update(hook.body).digest("hex")}`;
    expect(hook.headers["x-torque-signature"]).toBe(expected);
    expect(hook.headers["webhook-id"]).toBe(payload.id);

    await page.getByRole("link", { name: `Deliveries to ${url}` }).click();
    await expect(page.getByText("Delivered").first()).toBeVisible();
    await snap(page, "webhook-deliveries");
  } finally {
    receiver.close();
  }
});
