import type { z } from "zod";
import { zodIssues } from "@/lib/http/errors";
import { formatMoney, isCurrency, MoneyError, toMinor } from "@/lib/money";
import { MIN_DELAY_MINUTES, stepsInput, type stepInput, type StepInput } from "@/lib/recovery/schema";
import { sampleContext, type EmailContext } from "@/lib/recovery/templates";
import { splitDelay, UNIT_MINUTES, type DelayUnit } from "./delay";

/**
 * The sequence editor's form state and its conversions: a saved step (as the API answers it) to
 * text fields, the fields to the API's body, the same validation as the server (the step schema
 * is isomorphic), and the preview's sample context. Pure: shared by the page and the editor.
 */

/** A step as saved: the API's answer and the page's initial data (JSON-safe). */
export type SavedStep = z.output<typeof stepInput> & { id: string; position: number };

export type DiscountKind = "none" | "percentage" | "fixed";

export type StepDraft = {
  /** Stable React key for the step's fields while it moves around. */
  key: string;
  delayAmount: string;
  delayUnit: DelayUnit;
  subject: string;
  body: string;
  enabled: boolean;
  discount: DiscountKind;
  percent: string;
  amount: string;
  currency: string;
  validHours: string;
};

export function toDraft(step: Omit<SavedStep, "id" | "position">, key: string, defaultCurrency: string): StepDraft {
  const { amount, unit } = splitDelay(step.delayMinutes);
  const d = step.discount;
  return {
    key,
    delayAmount: String(amount),
    delayUnit: unit,
    subject: step.subject,
    body: step.body,
    enabled: step.enabled,
    discount: d?.type ?? "none",
    percent: d?.type === "percentage" ? String(d.percent) : "10",
    amount: d?.type === "fixed" ? String(d.amount) : "5",
    currency: d?.type === "fixed" ? d.currency : defaultCurrency,
    validHours: String(d?.validHours ?? 48),
  };
}

const WHOLE = /^\d{1,7}$/;

/** The step as the API takes it. Numbers that are not whole come out as NaN and are reported by draftErrors. */
export function toInput(draft: StepDraft): StepInput {
  const delay = draft.delayAmount.trim();
  const hours = draft.validHours.trim();
  const validHours = WHOLE.test(hours) ? Number(hours) : Number.NaN;
  return {
    delayMinutes: WHOLE.test(delay) ? Number(delay) * UNIT_MINUTES[draft.delayUnit] : Number.NaN,
    subject: draft.subject,
    body: draft.body,
    enabled: draft.enabled,
    discount:
      draft.discount === "percentage"
        ? { type: "percentage", percent: draft.percent.trim(), validHours }
        : draft.discount === "fixed"
          ? { type: "fixed", amount: draft.amount.trim(), currency: draft.currency, validHours }
          : null,
  };
}

/** A field's path as the API names it: steps[1].discount.percent. */
export const fieldOf = (index: number, field: string) => `steps[${index}].${field}`;

/**
 * Everything wrong with the sequence, by field path (the first message per field), checked
 * with the server's own schema. Each step is also checked alone: zod skips a list's cross-step
 * and template checks while any field fails, and one step's empty subject must not hide another
 * step's missing {{link}}.
 */
export function draftErrors(drafts: StepDraft[]): Map<string, string> {
  const errors = new Map<string, string>();
  const add = (field: string, message: string) => {
    if (!errors.has(field)) errors.set(field, message);
  };
  const inputs = drafts.map(toInput);
  drafts.forEach((draft, i) => {
    if (!WHOLE.test(draft.delayAmount.trim())) add(fieldOf(i, "delayMinutes"), "Enter a whole number");
    if (draft.discount !== "none" && !WHOLE.test(draft.validHours.trim())) add(fieldOf(i, "discount.validHours"), "Enter a whole number of hours");
    // Numbers already reported above stand in as valid ones, so the templates are still checked.
    const input = inputs[i]!;
    const checkable = {
      ...input,
      delayMinutes: Number.isFinite(input.delayMinutes) ? input.delayMinutes : MIN_DELAY_MINUTES,
      discount: input.discount && { ...input.discount, validHours: Number.isFinite(input.discount.validHours) ? input.discount.validHours : 48 },
    };
    const alone = stepsInput.safeParse({ steps: [checkable] });
    if (!alone.success) for (const issue of zodIssues(alone.error)) add(issue.field.replace(/^steps\[0\]/, `steps[${i}]`), issue.message);
    const previous = inputs[i - 1]?.delayMinutes;
    const delay = input.delayMinutes;
    if (previous !== undefined && Number.isFinite(previous) && Number.isFinite(delay) && delay <= previous) {
      add(fieldOf(i, "delayMinutes"), "must be later than the previous step's delay");
    }
  });
  const all = stepsInput.safeParse({ steps: inputs });
  if (!all.success) for (const issue of zodIssues(all.error)) add(issue.field, issue.message);
  return errors;
}

/** "is required" → "Subject is required"; a message that names its own subject stays as it is. */
export function sentence(label: string, message: string): string {
  return /^(is|must|needs|at most|expected)\b/.test(message) ? `${label} ${message}` : message;
}

/** What the discount gives, as the email will say it: "10% off", "$5.00 off"; null when it cannot be read. */
export function discountLabel(draft: StepDraft): string | null {
  if (draft.discount === "percentage") {
    const percent = draft.percent.trim();
    return /^\d+(\.\d{1,2})?$/.test(percent) ? `${percent.replace(/\.0+$/, "")}% off` : null;
  }
  if (draft.discount === "fixed") {
    if (!isCurrency(draft.currency)) return null;
    try {
      return `${formatMoney(toMinor(draft.amount.trim(), draft.currency), draft.currency)} off`;
    } catch (error) {
      if (error instanceof MoneyError) return null;
      throw error;
    }
  }
  return null;
}

/** The sample customer and cart, with the step's own discount (or none, so its section hides). */
export function previewContext(draft: StepDraft, businessName: string): EmailContext {
  const ctx = sampleContext(businessName);
  if (draft.discount === "none" || !ctx.discount) return { ...ctx, discount: null };
  return { ...ctx, discount: { ...ctx.discount, label: discountLabel(draft) ?? ctx.discount.label } };
}

/** A new step after the last one: a day later (within the 30-day limit), plain, without a discount. */
export function newStepDraft(after: StepDraft | undefined, key: string, defaultCurrency: string): StepDraft {
  const last = after ? toInput(after).delayMinutes : 0;
  const delayMinutes = Number.isFinite(last) ? Math.min(last + 24 * 60, 30 * 24 * 60) : 24 * 60;
  return toDraft(
    {
      delayMinutes,
      subject: "Still thinking about your cart?",
      body: ["Hi {{customer.firstName}},", "Your cart at {{business.name}} is saved:", "{{cart.items}}", "Total: {{cart.total}}", "{{link}}", "Don't want these reminders? {{unsubscribe}}"].join("\n\n"),
      enabled: true,
      discount: null,
    },
    key,
    defaultCurrency,
  );
}
