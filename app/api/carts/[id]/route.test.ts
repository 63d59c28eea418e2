import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { useEnv } from "@/lib/testing/env";
import { eventsFor } from "@/lib/events";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { POST as createCart } from "../route";
import { DELETE, GET, PATCH } from "./route";

async function setup(body: unknown = seedCart) {
  const tenant = await newBusiness();
  const created = await call(createCart, { key: tenant.key, path: "/api/carts", body });
  return { ...tenant, id: created.body.data.id as string };
}

const patch = (key: string, id: string, body: unknown) => call(PATCH, { method: "PATCH", key, params: { id }, path: `/api/carts/${id}`, body });

describe("GET /api/carts/:id", () => {
  it("returns the cart in the seed's shape", async () => {
    const { key, id } = await setup();
    const res = await call(GET, { key, params: { id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: expect.objectContaining({
        id,
        customerEmail: "customer@example.com",
        customerName: "John Doe",
        items: [{ name: "Product Name", quantity: 2, price: 49.99 }],
        totalValue: 99.98,
        status: "abandoned",
        abandonedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        paymentLink: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      }),
    });
  });

  it("answers 404 for a missing cart and for another business's cart alike", async () => {
    const { key, id } = await setup();
    const other = await newBusiness();
    const missing = await call(GET, { key, params: { id: "cart_doesnotexist" } });
    const foreign = await call(GET, { key: other.key, params: { id } });
    expect(missing.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body).toEqual({ success: false, error: { code: "NOT_FOUND", message: "Cart not found" } });
  });
});

describe("GET /api/carts/:id reads the cart alongside the key lookup (keyReadRoute)", () => {
  it("answers 401 without the cart for no key, an unknown key and a revoked key", async () => {
    const { key, id, business, apiKey } = await setup();
    await revokeApiKey(business.id, apiKey.id);
    for (const sent of [undefined, "cbk_unknown", key]) {
      const res = await call(GET, { key: sent, params: { id } });
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(id);
    }
  });

  it("a request past the rate limit answers 429 without the cart", async () => {
    const restore = useEnv({ RATE_LIMIT_PER_MINUTE: "2" });
    resetLimiterForTests();
    try {
      const { key, id } = await setup();
      expect((await call(GET, { key, params: { id } })).status).toBe(200);
      const limited = await call(GET, { key, params: { id } });
      expect(limited.status).toBe(429);
      expect(limited.text).not.toContain(id);
    } finally {
      restore();
      resetLimiterForTests();
    }
  });
});

describe("PATCH /api/carts/:id", () => {
  it("marks a cart recovered (the seed's example) and records when", async () => {
    const { key, id } = await setup();
    const res = await patch(key, id, { status: "recovered" });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: "recovered", recoveredValue: 99.98 });
    expect(Date.parse(res.body.data.recoveredAt)).toBeGreaterThan(0);
  });

  it.each([
    ["active", "abandoned", 200],
    ["active", "recovered", 200],
    ["active", "expired", 200],
    ["abandoned", "recovered", 200],
    ["abandoned", "expired", 200],
    ["abandoned", "active", 422],
    ["expired", "abandoned", 200],
    ["expired", "recovered", 200],
    ["expired", "active", 422],
    ["recovered", "abandoned", 422],
    ["recovered", "expired", 422],
    ["recovered", "active", 422],
  ])("%s → %s answers %i", async (from, to, status) => {
    const { key, id } = await setup({ ...seedCart, status: from === "active" ? "active" : "abandoned" });
    if (from === "recovered" || from === "expired") expect((await patch(key, id, { status: from })).status).toBe(200);
    const res = await patch(key, id, { status: to });
    expect(res.status).toBe(status);
    if (status === 422) {
      expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "status" } });
      expect(res.body.error.message).toBe(`status: cannot change from ${from} to ${to}`);
      const after = await call(GET, { key, params: { id } });
      expect(after.body.data.status).toBe(from);
    } else {
      expect(res.body.data.status).toBe(to);
    }
  });

  it("setting the same status again is a no-op", async () => {
    const { key, id } = await setup();
    await patch(key, id, { status: "recovered" });
    const again = await patch(key, id, { status: "recovered" });
    expect(again.status).toBe(200);
  });

  it("reopening an expired cart keeps its first abandonment time", async () => {
    const { key, id } = await setup();
    const before = (await call(GET, { key, params: { id } })).body.data.abandonedAt;
    await patch(key, id, { status: "expired" });
    const reopened = await patch(key, id, { status: "abandoned" });
    expect(reopened.body.data).toMatchObject({ status: "abandoned", abandonedAt: before, expiredAt: null });
  });

  it("replaces items and recomputes the total; refuses once settled", async () => {
    const { key, id } = await setup();
    const res = await patch(key, id, { items: [{ name: "Cap", quantity: 3, price: "7.10" }] });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ items: [{ name: "Cap", quantity: 3, price: 7.1 }], totalValue: 21.3 });
    await patch(key, id, { status: "recovered" });
    const late = await patch(key, id, { items: [{ name: "Cap", quantity: 1, price: 1 }] });
    expect(late.status).toBe(422);
    expect(late.body.error.details.field).toBe("items");
  });

  it("changes the customer", async () => {
    const { key, id } = await setup();
    const res = await patch(key, id, { customerEmail: "new@example.com", customerName: "New Name" });
    expect(res.body.data).toMatchObject({ customerEmail: "new@example.com", customerName: "New Name" });
  });

  it.each([
    [{ status: "lost" }, "status"],
    [{ totalValue: 5 }, "totalValue"],
    [{ id: "cart_x" }, "id"],
    [{ items: [] }, "items"],
    [{ customerEmail: "nope" }, "customerEmail"],
    [{}, "body"],
  ])("refuses %j naming %s", async (body, field) => {
    const { key, id } = await setup();
    const res = await patch(key, id, body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });

  it("writes the changes to the cart's timeline", async () => {
    const { key, id, business } = await setup();
    await patch(key, id, { status: "expired" });
    await patch(key, id, { status: "abandoned" });
    const types = (await eventsFor(await getDb(), business.id, id)).map((e) => e.type);
    expect(types).toEqual(["cart.created", "cart.abandoned", "cart.expired", "cart.reopened"]);
  });

  it("another business's cart answers 404 and is not changed", async () => {
    const { key, id } = await setup();
    const other = await newBusiness();
    const res = await patch(other.key, id, { status: "recovered" });
    expect(res.status).toBe(404);
    expect((await call(GET, { key, params: { id } })).body.data.status).toBe("abandoned");
  });
});

describe("DELETE /api/carts/:id", () => {
  it("deletes the cart; it is gone afterwards", async () => {
    const { key, id } = await setup();
    const res = await call(DELETE, { method: "DELETE", key, params: { id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id, deleted: true } });
    expect((await call(GET, { key, params: { id } })).status).toBe(404);
    expect((await call(DELETE, { method: "DELETE", key, params: { id } })).status).toBe(404);
  });

  it("another business cannot delete it", async () => {
    const { key, id } = await setup();
    const other = await newBusiness();
    expect((await call(DELETE, { method: "DELETE", key: other.key, params: { id } })).status).toBe(404);
    expect((await call(GET, { key, params: { id } })).status).toBe(200);
  });
});
