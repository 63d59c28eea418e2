import { z } from "zod";
import { updateCart } from "@/lib/carts/service";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string };

/** Staff settle a cart by hand; the cart state machine (lib/carts/status.ts) decides what is allowed. */
const statusInput = z.strictObject({
  status: z.enum(["recovered", "expired"], { error: "must be recovered or expired" }),
});

export const POST = staffRoute<Params>("changeCarts", async ({ req, params, staff }) => {
  const { status } = await readJson(req, statusInput);
  const cart = await updateCart(staff.business.id, params.id, { status }, undefined, "staff");
  return tracker.ok({ id: cart.id, status: cart.status });
});
