import { keyFromHeaders } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { twig } from "@/lib/http/dialects/twig";
import { toTwigOrder } from "@/lib/twig/format";
import { twigRoute, readTwigBody } from "@/lib/twig/route";
import { parseTwigInit } from "@/lib/twig/schema";
import { initTwigOrder } from "@/lib/twig/service";

/** 003: POST v1/operations/order/init — the order, and the checkout URL to send the customer to (with the order id appended). */
export const POST = twigRoute(async ({ req, business, apiKey }) => {
  const input = parseTwigInit(await readTwigBody(req), new Date());
  const order = await initTwigOrder(business, { apiKey, secret: keyFromHeaders(req.headers)! }, input);
  return twig.ok({ checkoutUrl: `${env().APP_URL}/twig/checkout`, order: toTwigOrder(order) });
});
