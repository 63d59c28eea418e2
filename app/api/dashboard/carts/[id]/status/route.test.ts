import { beforeAll, describe, expect, it } from "vitest";
import { POST as createCart } from "@/app/api/carts/route";
import { getCartDetail } from "@/lib/carts/detail";
import { getCart } from "@/lib/carts/queries";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { POST as postLink } from "../link/route";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
let tenant: Awaited<ReturnType<typeof newBusiness>>;
let agent: Session;
let viewer: Session;

beforeAll(async () => {
  tenant = await newBusiness();
  [agent, viewer] = await Promise.all([staffSession(tenant.business.id, "agent"), staffSession(tenant.business.id, "viewer")]);
});

async function newCart(key = tenant.key): Promise<string> {
  const res = await call(createCart, { key, path: "/api/carts", body: seedCart });
  return res.body.data.id;
}

const mark = (id: string, headers: Record<string, string>, body: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/carts/${id}/status`, params: { id }, headers, body });
const statusOf = async (id: string, businessId = tenant.business.id) => (await getCart(businessId, id))?.status;

describe("POST /api/dashboard/carts/:id/status", () => {
  it("an agent marks a cart recovered; the timeline says staff did", async () => {
    const id = await newCart();
    const res = await mark(id, asStaff(agent), { status: "recovered" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id, status: "recovered" } });
    const cart = await getCart(tenant.business.id, id);
    expect(cart).toMatchObject({ status: "recovered", recoveryChannel: "manual", recoveredAmountMinor: 9998n });
    const last = (await getCartDetail(tenant.business.id, id))!.timeline.at(-1)!;
    expect(last).toMatchObject({ type: "cart.recovered", label: "Recovered", by: "staff" });
  });

  it("an agent marks a cart expired, which also revokes its link", async () => {
    const id = await newCart();
    await call(postLink, { method: "POST", params: { id }, headers: asStaff(agent) });
    const res = await mark(id, asStaff(agent), { status: "expired" });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("expired");
    const detail = (await getCartDetail(tenant.business.id, id))!;
    expect(detail.link).toBeNull();
    expect(detail.timeline.at(-1)).toMatchObject({ label: "Expired", by: "staff" });
  });

  it("an illegal move answers 422 naming status and changes nothing", async () => {
    const id = await newCart();
    await mark(id, asStaff(agent), { status: "recovered" });
    const res = await mark(id, asStaff(agent), { status: "expired" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "status" } });
    expect(res.body.error.message).toBe("status: cannot change from recovered to expired");
    expect(await statusOf(id)).toBe("recovered");
  });

  it.each([[{ status: "active" }], [{ status: "abandoned" }], [{}], [{ status: "recovered", items: [] }]])(
    "refuses %j with 422 naming the field",
    async (body) => {
      const id = await newCart();
      const res = await mark(id, asStaff(agent), body);
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("items" in body ? "items" : "status");
      expect(await statusOf(id)).toBe("abandoned");
    },
  );

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: "http://cartback.test" }), 401],
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: agent.cookie }), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the cart stays abandoned", async (_, headers, status) => {
    const id = await newCart();
    const res = await mark(id, headers(), { status: "recovered" });
    expect(res.status).toBe(status);
    expect(await statusOf(id)).toBe("abandoned");
  });

  it("answers 404 for another business's cart and leaves it alone", async () => {
    const other = await newBusiness();
    const foreign = await newCart(other.key);
    const res = await mark(foreign, asStaff(agent), { status: "expired" });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: "NOT_FOUND", message: "Cart not found" });
    expect(await statusOf(foreign, other.business.id)).toBe("abandoned");
  });
});
