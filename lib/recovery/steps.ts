import { asc, eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, recoverySteps } from "@/db/schema";
import { fromZod } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { stepsInput, type StepInput, type StepsInput, type StepValues } from "./schema";

export type RecoveryStep = typeof recoverySteps.$inferSelect;

const FOOTER = "Don't want these reminders? {{unsubscribe}}";

/** Every business starts with this sequence: 1 hour, 24 hours, and 72 hours with 10% off. */
export const DEFAULT_STEPS: StepInput[] = [
  {
    delayMinutes: 60,
    subject: "You left something in your cart",
    body: [
      "Hi {{customer.firstName}},",
      "You left these in your cart at {{business.name}}:",
      "{{cart.items}}",
      "Total: {{cart.total}}",
      "Your cart is saved. Pick up where you left off:",
      "{{link}}",
      "{{business.name}}",
      FOOTER,
    ].join("\n\n"),
  },
  {
    delayMinutes: 24 * 60,
    subject: "Your cart at {{business.name}} is still waiting",
    body: [
      "Hi {{customer.firstName}},",
      "Still thinking it over? We kept your cart just as you left it:",
      "{{cart.items}}",
      "Total: {{cart.total}}",
      "{{link}}",
      "Questions about sizes, shipping or payment? Just reply to this email.",
      "{{business.name}}",
      FOOTER,
    ].join("\n\n"),
  },
  {
    delayMinutes: 72 * 60,
    subject: "{{#discount}}{{discount.label}} your cart: {{/discount}}last call from {{business.name}}",
    body: [
      "Hi {{customer.firstName}},",
      "Your cart is about to be cleared. Here is what is in it:",
      "{{cart.items}}",
      "Total: {{cart.total}}",
      "{{#discount}}",
      "To help you decide, here is {{discount.label}} your order with the code {{discount.code}}. It is applied at checkout automatically and is valid until {{discount.expires}}.",
      "{{/discount}}",
      "{{link}}",
      "{{business.name}}",
      FOOTER,
    ].join("\n\n"),
    discount: { type: "percentage", percent: 10, validHours: 48 },
  },
];

function parse(input: StepsInput): StepValues[] {
  const parsed = stepsInput.safeParse(input);
  if (!parsed.success) throw fromZod("validation", parsed.error);
  return parsed.data;
}

/** Serializes changes to one business's sequence (first-use defaults against a save). */
async function lockBusiness(tx: Db, businessId: string): Promise<void> {
  await tx.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, businessId)).for("update");
}

async function replaceSteps(tx: Db, businessId: string, steps: StepValues[], now: Date): Promise<void> {
  await tx.delete(recoverySteps).where(eq(recoverySteps.businessId, businessId));
  await tx.insert(recoverySteps).values(steps.map((s) => ({ ...s, id: newId("step"), businessId, createdAt: now, updatedAt: now })));
}

const select = (db: Db, businessId: string) =>
  db.select().from(recoverySteps).where(eq(recoverySteps.businessId, businessId)).orderBy(asc(recoverySteps.position));

/** The business's sequence in order; a business that never had one gets DEFAULT_STEPS. */
export async function listSteps(businessId: string, db?: Db): Promise<RecoveryStep[]> {
  db ??= await getDb();
  const steps = await select(db, businessId);
  if (steps.length > 0) return steps;
  return db.transaction(async (tx) => {
    await lockBusiness(tx, businessId);
    if ((await select(tx, businessId)).length === 0) await replaceSteps(tx, businessId, parse({ steps: DEFAULT_STEPS }), new Date());
    return select(tx, businessId);
  });
}

/**
 * Replaces the whole sequence (validated with `stepsInput`; a bad input throws a validation
 * ApiError naming the field, e.g. `steps[2].body`). Messages already sent keep their step number.
 */
export async function saveSteps(businessId: string, input: StepsInput, now = new Date()): Promise<RecoveryStep[]> {
  const steps = parse(input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockBusiness(tx, businessId);
    await replaceSteps(tx, businessId, steps, now);
    return select(tx, businessId);
  });
}
