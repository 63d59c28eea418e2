import { twig } from "@/lib/http/dialects/twig";
import { toTwigOrder } from "@/lib/twig/format";
import { getTwigOrder } from "@/lib/twig/queries";
import { twigRoute } from "@/lib/twig/route";

/** 003: GET v1/operations/order/{orderId}. */
export const GET = twigRoute<{ orderId: string }>(async ({ params, business }) => {
  return twig.ok(toTwigOrder(await getTwigOrder(business.id, params.orderId)));
});
