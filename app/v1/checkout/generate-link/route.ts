import { z } from "zod";
import { createCheckoutSession } from "@/lib/checkout/service";
import { fromZod } from "@/lib/http/errors";
import { torqueCheckout } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { toGenerateLinkResponse } from "@/lib/torque/format";
import { fullRequest, simpleRequest } from "@/lib/torque/validation";

const object = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });

/** Both request shapes of the seeds: 001's (businessId, productId items, customerData) and 000's (id/name items, customer). */
export const POST = keyRoute(torqueCheckout, async ({ req, business }) => {
  const raw = await readJson(req, object);
  // 001's shape names customerData (or businessId without 000's customer); anything else is read as 000's.
  const shape = "customerData" in raw || ("businessId" in raw && !("customer" in raw)) ? fullRequest : simpleRequest;
  const parsed = shape.safeParse(raw);
  if (!parsed.success) throw fromZod("validation", parsed.error);
  const { session } = await createCheckoutSession(business, parsed.data);
  return torqueCheckout.ok(toGenerateLinkResponse(session));
});
