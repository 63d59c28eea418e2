import { CART_CSV_HEADER, cartCsvBatches } from "@/lib/carts/export";
import { parseCartListParams } from "@/lib/carts/list-url";
import { csvResponse, dayStamp, searchParamsOf } from "@/lib/http/csv";
import { staffRoute } from "@/lib/http/session-route";

export const dynamic = "force-dynamic";

/** Every cart of the carts page's view (?status=&q=&sort=, read as /carts reads them) as a CSV download. */
export const GET = staffRoute("view", async ({ url, staff }) => {
  const { status, q, sort } = parseCartListParams(searchParamsOf(url));
  return csvResponse(`cartback-carts-${dayStamp()}.csv`, CART_CSV_HEADER, cartCsvBatches(staff.business.id, { status, q, sort }));
});
