import { z } from "zod";
import { cartAnalytics } from "@/lib/analytics/carts";
import { dateInput, PERIODS, resolveRange, type Period } from "@/lib/analytics/range";
import { toTrackerAnalytics } from "@/lib/analytics/tracker";
import { currencyInput } from "@/lib/carts/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";

const analyticsQuery = z.strictObject({
  period: z.enum(Object.keys(PERIODS) as [Period, ...Period[]], { error: "must be 7d, 30d or 90d" }).optional(),
  startDate: dateInput.optional(),
  endDate: dateInput.optional(),
  currency: currencyInput.optional(),
});

export const GET = keyRoute(tracker, async ({ url, business }) => {
  const query = readQuery(url, analyticsQuery);
  const range = resolveRange(query);
  const analytics = await cartAnalytics(business.id, range, query.currency);
  return tracker.ok(toTrackerAnalytics(analytics, query.currency ?? business.defaultCurrency));
});
