import { getDb } from "@/db/client";
import { latestEventSeq } from "@/lib/events";
import { tracker } from "@/lib/http/dialects/tracker";
import { staffRoute } from "@/lib/http/session-route";

/** Polled by open dashboards: when `seq` moves, something changed (e.g. a webhook recovered a cart). */
export const GET = staffRoute("view", async ({ staff }) => {
  return tracker.ok({ seq: await latestEventSeq(await getDb(), staff.business.id) });
});
