import { operate } from "@/lib/twig/operations";
import { operationResponse, readTwigBody, twigRoute } from "@/lib/twig/route";
import { parseOperation } from "@/lib/twig/schema";

/** 003: POST v1/payment/order/capture — `id` is the idempotency key: a replay answers as the first time. */
export const POST = twigRoute(async ({ req, business }) => {
  const op = parseOperation(await readTwigBody(req), "capture");
  const answer = await operate(business.id, "capture", { orderId: op.orderId, key: op.id, amountMinor: op.amountMinor, currency: op.currency, message: op.message, dateCreated: op.dateCreated }, "api");
  return operationResponse(answer);
});
