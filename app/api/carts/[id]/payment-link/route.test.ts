import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { eventsFor } from "@/lib/events";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { POST as createCart } from "../../route";
import { GET as getCart, PATCH } from "../route";
import { DELETE, POST } from "./route";

async function setup(body: unknown = seedCart) {
  const tenant = await newBusiness();
  const created = await call(createCart, { key: tenant.key, path: "/api/carts", body });
  return { ...tenant, id: created.body.data.id as string };
}

const generate = (key: string, id: string, body?: unknown) => call(POST, { method: "POST", key, params: { id }, body });

describe("POST /api/carts/:id/payment-link", () => {
  it("creates a recovery link of ours, valid 7 days by default", async () => {
    const { key, id } = await setup();
    const before = Date.now();
    const res = await generate(key, id);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ success: true, data: { paymentLink: expect.any(String), expiresAt: expect.any(String) } });
    expect(res.body.data.paymentLink).toMatch(/^http:\/\/cartback\.test\/r\/[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(res.body.data.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(7 * 86400_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(7 * 86400_000 + 1000);
    const cart = await call(getCart, { key, params: { id } });
    expect(cart.body.data).toMatchObject({ paymentLink: res.body.data.paymentLink, paymentLinkExpiresAt: res.body.data.expiresAt });
  });

  it("returns the live link again unless asked to rotate", async () => {
    const { key, id, business } = await setup();
    const first = await generate(key, id);
    const again = await generate(key, id);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    const rotated = await generate(key, id, { rotate: true });
    expect(rotated.status).toBe(201);
    expect(rotated.body.data.paymentLink).not.toBe(first.body.data.paymentLink);
    const types = (await eventsFor(await getDb(), business.id, id)).map((e) => e.type);
    expect(types).toEqual(["cart.created", "cart.abandoned", "link.generated", "link.rotated"]);
  });

  it("concurrent requests for a new link agree on one link", async () => {
    const { key, id } = await setup();
    const results = await Promise.all(Array.from({ length: 5 }, () => generate(key, id)));
    expect(new Set(results.map((r) => r.body.data.paymentLink)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  });

  it("accepts a lifetime in hours", async () => {
    const { key, id } = await setup();
    const res = await generate(key, id, { expiresInHours: 2 });
    const lifetime = Date.parse(res.body.data.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3600_000);
  });

  it.each([
    [{ rotate: "yes" }, "rotate"],
    [{ expiresInHours: 0 }, "expiresInHours"],
    [{ expiresInHours: 5000 }, "expiresInHours"],
    [{ nope: 1 }, "nope"],
  ])("refuses %j naming %s", async (body, field) => {
    const { key, id } = await setup();
    const res = await generate(key, id, body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });

  it("refuses a recovered or expired cart", async () => {
    for (const status of ["recovered", "expired"]) {
      const { key, id } = await setup();
      await call(PATCH, { method: "PATCH", key, params: { id }, body: { status } });
      const res = await generate(key, id);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "status" } });
    }
  });

  it("expiring the cart withdraws its link", async () => {
    const { key, id } = await setup();
    await generate(key, id);
    await call(PATCH, { method: "PATCH", key, params: { id }, body: { status: "expired" } });
    expect((await call(getCart, { key, params: { id } })).body.data.paymentLink).toBeNull();
  });

  it("another business's cart answers 404", async () => {
    const { id } = await setup();
    const other = await newBusiness();
    expect((await generate(other.key, id)).status).toBe(404);
    expect((await call(DELETE, { method: "DELETE", key: other.key, params: { id } })).status).toBe(404);
  });
});

describe("DELETE /api/carts/:id/payment-link", () => {
  it("revokes the live link; a new one can be generated after", async () => {
    const { key, id } = await setup();
    const first = await generate(key, id);
    const res = await call(DELETE, { method: "DELETE", key, params: { id } });
    expect(res.status).toBe(200);
    expect((await call(getCart, { key, params: { id } })).body.data.paymentLink).toBeNull();
    expect((await call(DELETE, { method: "DELETE", key, params: { id } })).status).toBe(404);
    const next = await generate(key, id);
    expect(next.status).toBe(201);
    expect(next.body.data.paymentLink).not.toBe(first.body.data.paymentLink);
  });
});
