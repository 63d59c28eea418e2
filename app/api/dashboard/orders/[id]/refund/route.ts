import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { moneyMoveInput, moveTwigMoney } from "@/lib/twig/staff";

type Params = { id: string };

/** Staff refund part or all of what was captured of a Twig order: `{ amount: "12.50", key: "<uuid>" }`. */
export const POST = staffRoute<Params>("moveMoney", async ({ req, params, staff }) => {
  const input = await readJson(req, moneyMoveInput);
  return tracker.ok(await moveTwigMoney(staff.business.id, params.id, "refund", input));
});
