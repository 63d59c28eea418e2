import { getCartByKey, type CartView } from "@/lib/carts/queries";
import { updateCartInput } from "@/lib/carts/schema";
import { deleteCart, updateCart } from "@/lib/carts/service";
import { toTrackerCart } from "@/lib/carts/tracker";
import { notFound } from "@/lib/http/errors";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyReadRoute, keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";

type Params = { id: string };

export const GET = keyReadRoute<Params, CartView | undefined>(
  tracker,
  (keyHash, { params }) => getCartByKey(keyHash, params.id),
  async ({ business }, cart) => {
    if (!cart || cart.businessId !== business.id) throw notFound("Cart");
    return tracker.ok(toTrackerCart(cart));
  },
);

export const PATCH = keyRoute<Params>(tracker, async ({ req, params, business }) => {
  const input = await readJson(req, updateCartInput);
  return tracker.ok(toTrackerCart(await updateCart(business.id, params.id, input)));
});

export const DELETE = keyRoute<Params>(tracker, async ({ params, business }) => {
  await deleteCart(business.id, params.id);
  return tracker.ok({ id: params.id, deleted: true });
});
