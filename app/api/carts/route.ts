import { listCarts } from "@/lib/carts/queries";
import { createCartInput, listCartsQuery } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { toTrackerCart } from "@/lib/carts/tracker";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyRoute } from "@/lib/http/handler";
import { readJson, readQuery } from "@/lib/http/input";

export const GET = keyRoute(tracker, async ({ url, business }) => {
  const query = readQuery(url, listCartsQuery);
  const { carts, total } = await listCarts(business.id, query);
  return tracker.ok({
    carts: carts.map(toTrackerCart),
    pagination: { page: query.page, limit: query.limit, total, totalPages: Math.ceil(total / query.limit) },
  });
});

export const POST = keyRoute(tracker, async ({ req, business }) => {
  const input = await readJson(req, createCartInput);
  const cart = await createCart(business, input);
  return tracker.ok(toTrackerCart(cart), 201);
});
