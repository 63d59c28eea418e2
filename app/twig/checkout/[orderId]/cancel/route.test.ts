import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { POST } from "./route";

const MERCHANT = { confirmUrl: "https://shop.example/twig/confirm", cancelUrl: "https://shop.example/twig/cancel" };

const cancel = (orderId: string, headers: Record<string, string> = { origin: "http://cartback.test" }) =>
  call(POST, {
    method: "POST",
    path: `/twig/checkout/${orderId}/cancel`,
    params: { orderId },
    rawBody: "",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });

describe("POST /twig/checkout/{orderId}/cancel", () => {
  it("cancels the pending order and sends the customer to the merchant's cancelUrl with the order id", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const res = await cancel(order.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://shop.example/twig/cancel");
    expect(location.searchParams.get("orderId")).toBe(order.id);
    expect(location.searchParams.get("merchantOrderReference")).toBe(order.merchantReference);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "cancelled", statusReason: "The customer cancelled at checkout" });
  });

  it("without a cancelUrl the customer stays on our page, which says the order is cancelled", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const res = await cancel(order.id);
    expect(res.headers.get("location")).toBe(`http://cartback.test/twig/checkout/${order.id}`);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("cancelled");
  });

  it("refuses a cross-site post and cancels nothing", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const res = await cancel(order.id, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
  });

  it("leaves an authorized order alone and goes back to the page; 404 for an unknown order", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, MERCHANT);
    const res = await cancel(order.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/twig/checkout/${order.id}`);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("authorized");
    expect((await cancel("order_doesnotexist")).status).toBe(404);
  });
});
