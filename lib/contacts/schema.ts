import { z } from "zod";
import { consentSourceInput, emailInput } from "@/lib/carts/schema";

export const CONSENT_VALUES = ["granted", "denied"] as const;
export type Consent = (typeof CONSENT_VALUES)[number];

/** PUT /api/contacts/consent */
export const consentInput = z.strictObject({
  email: emailInput,
  consent: z.enum(CONSENT_VALUES, { error: "must be granted or denied" }),
  source: consentSourceInput,
});

/** POST /api/contacts/erase and the dashboard's erase. */
export const eraseInput = z.strictObject({ email: emailInput });

/** GET /api/contacts?email= */
export const contactQuery = z.strictObject({ email: emailInput });
