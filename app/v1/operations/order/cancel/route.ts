import { operate } from "@/lib/twig/operations";
import { operationResponse, readTwigBody, twigRoute } from "@/lib/twig/route";
import { parseOperation } from "@/lib/twig/schema";

/** 003: POST v1/operations/order/cancel — not when cancelled or captured; `id` is the idempotency key. */
export const POST = twigRoute(async ({ req, business }) => {
  const op = parseOperation(await readTwigBody(req), "cancel");
  const answer = await operate(business.id, "void", { orderId: op.orderId, key: op.id, message: op.message, dateCreated: op.dateCreated }, "api");
  return operationResponse(answer);
});
