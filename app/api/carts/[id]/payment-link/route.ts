import { paymentLinkInput } from "@/lib/carts/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { generateLink, revokeLink } from "@/lib/links/service";

type Params = { id: string };

/** Returns the cart's live recovery link, or a new one; `{"rotate": true}` replaces the live one. */
export const POST = keyRoute<Params>(tracker, async ({ req, params, business }) => {
  const input = await readJson(req, paymentLinkInput, { optional: true });
  const link = await generateLink(business.id, params.id, input);
  return tracker.ok({ paymentLink: link.url, expiresAt: link.expiresAt.toISOString() }, link.created ? 201 : 200);
});

export const DELETE = keyRoute<Params>(tracker, async ({ params, business }) => {
  await revokeLink(business.id, params.id);
  return tracker.ok({ revoked: true });
});
