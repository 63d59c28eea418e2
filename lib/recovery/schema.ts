import { z } from "zod";
import { MoneyError, exponentOf, isCurrency, scaledInteger, toDecimalString, toMinor } from "@/lib/money";
import { placeholdersIn, templateProblems } from "./templates";

/** Isomorphic: the dashboard's sequence editor validates with the same schema as the server. */

export const MIN_DELAY_MINUTES = 5;
export const MAX_DELAY_MINUTES = 30 * 24 * 60;
export const MAX_STEPS = 10;
/** Far above any cart, far inside the bigint column (an amount beyond it was a 500). */
const MAX_FIXED_DISCOUNT_UNITS = 1_000_000_000n;

const validHours = z.number().int("must be a whole number of hours").min(1, "must be at least 1 hour").max(720, "must be at most 720 hours (30 days)").default(48);
const decimal = z.union([z.number(), z.string().trim().min(1, "is required")]);

const percentageDiscount = z.object({
  type: z.literal("percentage"),
  /** Percent off, up to two decimals: 10 = 10%. */
  percent: decimal,
  validHours,
});

const fixedDiscount = z.object({
  type: z.literal("fixed"),
  /** An amount off in `currency`, as a decimal: "5.00". */
  amount: decimal,
  currency: z.string().trim().toUpperCase().refine(isCurrency, "must be an ISO 4217 currency code"),
  validHours,
});

/** What the editor sends for one step; positions follow the array's order. */
export const stepInput = z.strictObject({
  delayMinutes: z
    .number()
    .int("must be a whole number of minutes")
    .min(MIN_DELAY_MINUTES, `must be at least ${MIN_DELAY_MINUTES} minutes`)
    .max(MAX_DELAY_MINUTES, "must be at most 30 days"),
  subject: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  body: z.string().trim().min(1, "is required").max(10_000, "must be at most 10000 characters"),
  enabled: z.boolean().default(true),
  discount: z.discriminatedUnion("type", [percentageDiscount, fixedDiscount]).nullable().default(null),
});

export type StepInput = z.input<typeof stepInput>;

/** A step ready for the recovery_steps table: the discount in stored units. */
export type StepValues = {
  position: number;
  delayMinutes: number;
  subject: string;
  body: string;
  enabled: boolean;
  discountType: "percentage" | "fixed" | null;
  discountValue: bigint | null;
  discountCurrency: string | null;
  discountValidHours: number;
};

export const stepsInput = z
  .strictObject({ steps: z.array(stepInput).min(1, "needs at least one step (turn recovery emails off instead)").max(MAX_STEPS, `at most ${MAX_STEPS} steps`) })
  .transform((input, ctx): StepValues[] => {
    const out: StepValues[] = [];
    input.steps.forEach((step, i) => {
      const at = (...path: (string | number)[]) => ["steps", i, ...path];
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: at(...path), message });

      for (const problem of templateProblems(step.subject, "subject")) issue(["subject"], problem);
      for (const problem of templateProblems(step.body, "body")) issue(["body"], problem);
      const used = placeholdersIn(step.body);
      if (!used.has("link")) issue(["body"], "must contain {{link}} (the way back to checkout)");
      if (!used.has("unsubscribe")) issue(["body"], "must contain {{unsubscribe}} (every email needs an unsubscribe link)");
      const previous = input.steps[i - 1];
      if (previous && step.delayMinutes <= previous.delayMinutes) issue(["delayMinutes"], "must be later than the previous step's delay");

      let discount: Pick<StepValues, "discountType" | "discountValue" | "discountCurrency"> = { discountType: null, discountValue: null, discountCurrency: null };
      const d = step.discount;
      if (d?.type === "percentage") {
        const hundredths = exact(() => scaledInteger(d.percent, 2, () => "at most 2 decimal places"), (m) => issue(["discount", "percent"], m));
        if (hundredths !== null && (hundredths < 100n || hundredths > 9000n)) issue(["discount", "percent"], "must be between 1 and 90 (percent)");
        else if (hundredths !== null) discount = { discountType: "percentage", discountValue: hundredths, discountCurrency: null };
      } else if (d?.type === "fixed") {
        const minor = exact(() => toMinor(d.amount, d.currency), (m) => issue(["discount", "amount"], m));
        const max = MAX_FIXED_DISCOUNT_UNITS * 10n ** BigInt(exponentOf(d.currency)) - 1n;
        if (minor !== null && minor <= 0n) issue(["discount", "amount"], "must be greater than 0");
        else if (minor !== null && minor > max) issue(["discount", "amount"], `must be at most ${toDecimalString(max, d.currency)}`);
        else if (minor !== null) discount = { discountType: "fixed", discountValue: minor, discountCurrency: d.currency };
      }
      out.push({
        position: i + 1,
        delayMinutes: step.delayMinutes,
        subject: step.subject,
        body: step.body,
        enabled: step.enabled,
        ...discount,
        discountValidHours: d?.validHours ?? 48,
      });
    });
    return out;
  });

export type StepsInput = z.input<typeof stepsInput>;

function exact(convert: () => bigint, report: (message: string) => void): bigint | null {
  try {
    return convert();
  } catch (error) {
    if (error instanceof MoneyError) {
      report(error.message);
      return null;
    }
    throw error;
  }
}

/** A stored step back in the editor's shape (decimals as strings, JSON-safe). */
export function toStepInput(step: Omit<StepValues, "position">): z.output<typeof stepInput> {
  const validHours = step.discountValidHours;
  let discount: z.output<typeof stepInput>["discount"] = null;
  if (step.discountType === "percentage" && step.discountValue !== null) {
    discount = { type: "percentage", percent: toDecimalString(step.discountValue, "USD").replace(/\.?0+$/, ""), validHours };
  } else if (step.discountType === "fixed" && step.discountValue !== null && step.discountCurrency) {
    discount = { type: "fixed", amount: toDecimalString(step.discountValue, step.discountCurrency), currency: step.discountCurrency, validHours };
  }
  return { delayMinutes: step.delayMinutes, subject: step.subject, body: step.body, enabled: step.enabled, discount };
}
