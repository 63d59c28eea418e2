import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orderOperations } from "@/db/schema";
import { getOrder } from "@/lib/orders/queries";
import { newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { sweepTwigOrders } from "./expiry";
import { operate } from "./operations";

const DAY = 24 * 3600e3;
const sweep = (businessId: string, at: Date) => sweepTwigOrders(at, { businessId });
const later = (ms: number) => new Date(Date.now() + ms);

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restore: () => void;
beforeAll(async () => {
  receiver = await startReceiver();
  restore = allowLoopbackWebhooks();
});
afterAll(async () => {
  restore();
  await receiver.close();
});

describe("the Twig sweep", () => {
  it("expires a pending order at its expiration, not before", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, { expiration: later(3600e3).toISOString() });
    await sweep(tenant.business.id, later(3500e3));
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
    await sweep(tenant.business.id, later(3700e3));
    const expired = (await getOrder(tenant.business.id, order.id))!;
    expect(expired.status).toBe("expired");
    expect(expired.statusReason).toContain("did not authorize");
  });

  it("expires an order without an expiration one week after init", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    await sweep(tenant.business.id, later(7 * DAY - 60e3));
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
    await sweep(tenant.business.id, later(7 * DAY + 60e3));
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("expired");
  });

  it("captures what is left of an authorization before it lapses when captureOnExpire", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, { captureOnExpire: true });
    await operate(tenant.business.id, "capture", { orderId: order.id, key: randomUUID(), amountMinor: 5000n, currency: "USD", message: null, dateCreated: null }, "api");
    await sweep(tenant.business.id, later(5 * DAY));
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(5000n);
    // Settled an hour before the 7-day authorization lapses; two sweeps at once capture once.
    await Promise.all([sweep(tenant.business.id, later(7 * DAY - 50 * 60e3)), sweep(tenant.business.id, later(7 * DAY - 50 * 60e3))]);
    const captured = (await getOrder(tenant.business.id, order.id))!;
    expect(captured).toMatchObject({ status: "completed", capturedMinor: 22000n });
    const db = await getDb();
    const system = await db
      .select()
      .from(orderOperations)
      .where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "capture"), eq(orderOperations.actor, "system")));
    expect(system).toHaveLength(1);
    expect(system[0]!.amountMinor).toBe(17000n);
  });

  it("lets an uncaptured authorization lapse: the order expires", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await sweep(tenant.business.id, later(7 * DAY - 30 * 60e3));
    const lapsed = (await getOrder(tenant.business.id, order.id))!;
    expect(lapsed.status).toBe("expired");
    expect(lapsed.statusReason).toContain("lapsed");
  });

  it("keeps what was captured when the rest of the authorization lapses", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await operate(tenant.business.id, "capture", { orderId: order.id, key: randomUUID(), amountMinor: 10000n, currency: "USD", message: null, dateCreated: null }, "api");
    await sweep(tenant.business.id, later(7 * DAY - 30 * 60e3));
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "completed", capturedMinor: 10000n });
  });

  it("makes the validation call for a customer who authorized but never came back", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, { validationUrl: receiver.url });
    expect((await getOrder(tenant.business.id, order.id))!.validationStatus).toBe("pending");
    await sweep(tenant.business.id, later(30e3));
    expect((await getOrder(tenant.business.id, order.id))!.validationStatus).toBe("pending");
    await sweep(tenant.business.id, later(3 * 60e3));
    expect((await getOrder(tenant.business.id, order.id))!.validationStatus).toBe("passed");
    expect(receiver.received.filter((r) => r.json?.orderId === order.id)).toHaveLength(1);
  });
});
