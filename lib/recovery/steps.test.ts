import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { newBusiness } from "@/lib/testing/fixtures";
import { stepsInput, toStepInput, type StepInput } from "./schema";
import { DEFAULT_STEPS, listSteps, saveSteps } from "./steps";

const body = "Your cart: {{cart.items}}\n\n{{link}}\n\n{{unsubscribe}}";
const step = (over: Partial<StepInput> = {}): StepInput => ({ delayMinutes: 60, subject: "Your cart", body, ...over });

function issues(input: unknown): { field: string; message: string }[] {
  const parsed = stepsInput.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
}

describe("stepsInput", () => {
  it("accepts the default sequence, positions in order and the discount in stored units", () => {
    const parsed = stepsInput.parse({ steps: DEFAULT_STEPS });
    expect(parsed.map((s) => [s.position, s.delayMinutes, s.discountType, s.discountValue, s.discountValidHours])).toEqual([
      [1, 60, null, null, 48],
      [2, 1440, null, null, 48],
      [3, 4320, "percentage", 1000n, 48],
    ]);
  });

  it("refuses unknown placeholders, and bodies without {{link}} or {{unsubscribe}}", () => {
    expect(issues({ steps: [step({ body: "Hi {{customer.nickname}} {{link}} {{unsubscribe}}" })] })).toEqual([
      { field: "steps.0.body", message: "{{customer.nickname}} is not a known placeholder" },
    ]);
    expect(issues({ steps: [step({ subject: "{{cart.items}}" })] })).toEqual([{ field: "steps.0.subject", message: "{{cart.items}} can only be used in the body" }]);
    expect(issues({ steps: [step({ body: "{{unsubscribe}}" })] })).toEqual([{ field: "steps.0.body", message: "must contain {{link}} (the way back to checkout)" }]);
    expect(issues({ steps: [step({ body: "{{link}}" })] })).toEqual([
      { field: "steps.0.body", message: "must contain {{unsubscribe}} (every email needs an unsubscribe link)" },
    ]);
  });

  it("wants delays from 5 minutes to 30 days, strictly increasing", () => {
    expect(issues({ steps: [step({ delayMinutes: 4 })] })[0]).toEqual({ field: "steps.0.delayMinutes", message: "must be at least 5 minutes" });
    expect(issues({ steps: [step({ delayMinutes: 43_201 })] })[0]).toEqual({ field: "steps.0.delayMinutes", message: "must be at most 30 days" });
    expect(issues({ steps: [step({ delayMinutes: 60 }), step({ delayMinutes: 60 })] })).toEqual([
      { field: "steps.1.delayMinutes", message: "must be later than the previous step's delay" },
    ]);
    expect(issues({ steps: [] })[0]!.field).toBe("steps");
  });

  it("limits subjects and bodies", () => {
    expect(issues({ steps: [step({ subject: "x".repeat(201) })] })[0]).toEqual({ field: "steps.0.subject", message: "must be at most 200 characters" });
    expect(issues({ steps: [step({ body: body + "x".repeat(10_000) })] })[0]).toEqual({ field: "steps.0.body", message: "must be at most 10000 characters" });
  });

  it("takes a percentage from 1 to 90 or a fixed amount above 0 in a currency, exactly", () => {
    const one = (discount: unknown) => stepsInput.safeParse({ steps: [step({ discount } as Partial<StepInput>)] });
    expect(one({ type: "percentage", percent: 12.5 }).data?.[0]).toMatchObject({ discountType: "percentage", discountValue: 1250n, discountCurrency: null });
    expect(one({ type: "percentage", percent: "90" }).success).toBe(true);
    expect(issues({ steps: [step({ discount: { type: "percentage", percent: 0.5 } })] })[0]).toEqual({ field: "steps.0.discount.percent", message: "must be between 1 and 90 (percent)" });
    expect(issues({ steps: [step({ discount: { type: "percentage", percent: 91 } })] })[0]!.field).toBe("steps.0.discount.percent");
    expect(issues({ steps: [step({ discount: { type: "percentage", percent: 10.125 } })] })[0]).toEqual({ field: "steps.0.discount.percent", message: "at most 2 decimal places" });
    expect(one({ type: "fixed", amount: "5", currency: "usd", validHours: 24 }).data?.[0]).toMatchObject({
      discountType: "fixed",
      discountValue: 500n,
      discountCurrency: "USD",
      discountValidHours: 24,
    });
    expect(one({ type: "fixed", amount: 500, currency: "JPY" }).data?.[0]).toMatchObject({ discountValue: 500n, discountCurrency: "JPY" });
    expect(issues({ steps: [step({ discount: { type: "fixed", amount: 0, currency: "USD" } })] })[0]).toEqual({ field: "steps.0.discount.amount", message: "must be greater than 0" });
    expect(issues({ steps: [step({ discount: { type: "fixed", amount: "1.5", currency: "JPY" } })] })[0]!.field).toBe("steps.0.discount.amount");
    expect(issues({ steps: [step({ discount: { type: "fixed", amount: 5, currency: "XXX" } })] })[0]!.field).toBe("steps.0.discount.currency");
  });

  it("turns a stored step back into the editor's input", () => {
    const [a, b] = stepsInput.parse({
      steps: [step({ discount: { type: "percentage", percent: 12.5 } }), step({ delayMinutes: 90, discount: { type: "fixed", amount: "1.5", currency: "KWD" } })],
    });
    expect(toStepInput(a!).discount).toEqual({ type: "percentage", percent: "12.5", validHours: 48 });
    expect(toStepInput(b!).discount).toEqual({ type: "fixed", amount: "1.500", currency: "KWD", validHours: 48 });
    expect(stepsInput.parse({ steps: [toStepInput(a!), toStepInput(b!)] })).toEqual([a, b]);
  });
});

describe("listSteps and saveSteps", () => {
  it("gives a business the default sequence on first use, once", async () => {
    const { business } = await newBusiness();
    const [first, again] = await Promise.all([listSteps(business.id), listSteps(business.id)]);
    expect(first.map((s) => [s.position, s.delayMinutes, s.enabled])).toEqual([
      [1, 60, true],
      [2, 1440, true],
      [3, 4320, true],
    ]);
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
  });

  it("replaces the whole sequence, and refuses a bad one naming the field", async () => {
    const { business } = await newBusiness();
    await listSteps(business.id);
    const saved = await saveSteps(business.id, { steps: [step({ delayMinutes: 30, enabled: false }), step({ delayMinutes: 120, subject: "Again" })] });
    expect(saved.map((s) => [s.position, s.delayMinutes, s.subject, s.enabled])).toEqual([
      [1, 30, "Your cart", false],
      [2, 120, "Again", true],
    ]);
    expect((await listSteps(business.id)).map((s) => s.id)).toEqual(saved.map((s) => s.id));

    const error = await saveSteps(business.id, { steps: [step({ body: "{{link}}" })] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).field).toBe("steps[0].body");
    expect((await listSteps(business.id)).map((s) => s.subject)).toEqual(["Your cart", "Again"]);
  });
});
