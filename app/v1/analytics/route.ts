import { z } from "zod";
import { orderAnalytics } from "@/lib/analytics/orders";
import { dateInput, resolveRange } from "@/lib/analytics/range";
import { toTorqueAnalytics } from "@/lib/analytics/torque";
import { currencyInput } from "@/lib/carts/schema";
import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";

const analyticsQuery = z.strictObject({
  startDate: dateInput.optional(),
  endDate: dateInput.optional(),
  currency: currencyInput.optional(),
});

/** 000: GET /v1/analytics?startDate=2024-01-01&endDate=2024-12-31 (without dates, the last 30 days). */
export const GET = keyRoute(torque, async ({ url, business }) => {
  const query = readQuery(url, analyticsQuery);
  const range = resolveRange(query);
  const analytics = await orderAnalytics(business.id, range, query.currency);
  return torque.ok(toTorqueAnalytics(analytics, query.currency ?? business.defaultCurrency));
});
