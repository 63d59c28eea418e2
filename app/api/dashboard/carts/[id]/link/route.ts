import { z } from "zod";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { generateLink, revokeLink } from "@/lib/links/service";

type Params = { id: string };

const linkInput = z.strictObject({ rotate: z.boolean({ error: "must be true or false" }).optional() });

/** Staff get the cart's live payment link, or a new one; `{"rotate": true}` replaces the live one. */
export const POST = staffRoute<Params>("changeCarts", async ({ req, params, staff }) => {
  const { rotate } = await readJson(req, linkInput, { optional: true });
  const link = await generateLink(staff.business.id, params.id, { rotate, createdBy: "staff" });
  return tracker.ok({ paymentLink: link.url, expiresAt: link.expiresAt.toISOString(), created: link.created }, link.created ? 201 : 200);
});

/** Staff revoke the cart's current link. */
export const DELETE = staffRoute<Params>("changeCarts", async ({ params, staff }) => {
  await revokeLink(staff.business.id, params.id);
  return tracker.ok({ revoked: true });
});
