import { cartAnalytics } from "@/lib/analytics/carts";
import { ANALYTICS_CSV_HEADER, analyticsCsvRows } from "@/lib/analytics/export";
import { parseOverviewParams } from "@/lib/analytics/overview";
import { csvResponse, searchParamsOf } from "@/lib/http/csv";
import { staffRoute } from "@/lib/http/session-route";

export const dynamic = "force-dynamic";

/** The overview's daily series (?period= or ?from=&to=, read as the overview reads them): a row per day and currency. */
export const GET = staffRoute("view", async ({ url, staff }) => {
  const params = parseOverviewParams(searchParamsOf(url));
  const analytics = await cartAnalytics(staff.business.id, params.range);
  const rows = analyticsCsvRows(analytics, staff.business.defaultCurrency);
  return csvResponse(`cartback-analytics-${params.from}-to-${params.to}.csv`, ANALYTICS_CSV_HEADER, (async function* () {
    yield rows;
  })());
});
