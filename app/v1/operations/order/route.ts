import { twig } from "@/lib/http/dialects/twig";
import { toTwigOrder } from "@/lib/twig/format";
import { patchTwigOrder } from "@/lib/twig/patch-order";
import { twigRoute, readTwigBody } from "@/lib/twig/route";
import { parsePatch } from "@/lib/twig/schema";

/** 003: PATCH v1/operations/order/ — UPDATE and DELETE operations; the merchant sends recalculated amounts. */
export const PATCH = twigRoute(async ({ req, business }) => {
  const { orderId, updateItems } = parsePatch(await readTwigBody(req));
  return twig.ok(toTwigOrder(await patchTwigOrder(business.id, orderId, updateItems)));
});
