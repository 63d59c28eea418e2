import { describe, expect, it } from "vitest";
import { renderEmail } from "@/lib/recovery/templates";
import { formatDelay, listDelays, splitDelay } from "./delay";
import { discountLabel, draftErrors, newStepDraft, previewContext, sentence, toDraft, toInput, type StepDraft } from "./step-draft";

const BODY = "Hi {{customer.firstName}}\n\n{{#discount}}{{discount.label}} with {{discount.code}}{{/discount}}\n\n{{link}}\n\n{{unsubscribe}}";
const step = (over: Partial<StepDraft> = {}): StepDraft => ({ ...toDraft({ delayMinutes: 60, subject: "Hi", body: BODY, enabled: true, discount: null }, "k", "USD"), ...over });

describe("delays", () => {
  it("reads minutes in the largest whole unit, hours up to 72", () => {
    expect([90, 60, 1440, 4320, 5760, 10080].map(splitDelay)).toEqual([
      { amount: 90, unit: "minutes" },
      { amount: 1, unit: "hours" },
      { amount: 24, unit: "hours" },
      { amount: 72, unit: "hours" },
      { amount: 4, unit: "days" },
      { amount: 7, unit: "days" },
    ]);
    expect(formatDelay(1440 * 30)).toBe("30 days");
    expect(listDelays([60, 1440, 4320])).toBe("1 h, 24 h and 72 h");
    expect(listDelays([30])).toBe("30 min");
  });
});

describe("step drafts", () => {
  it("round-trips a saved step through the form fields", () => {
    const saved = { delayMinutes: 2880, subject: "S", body: BODY, enabled: false, discount: { type: "fixed" as const, amount: "5.00", currency: "EUR", validHours: 24 } };
    const draft = toDraft(saved, "k", "USD");
    expect(draft).toMatchObject({ delayAmount: "48", delayUnit: "hours", discount: "fixed", amount: "5.00", currency: "EUR", validHours: "24" });
    expect(toInput(draft)).toEqual(saved);
    expect(toInput({ ...draft, discount: "percentage", percent: " 12.5 " }).discount).toEqual({ type: "percentage", percent: "12.5", validHours: 24 });
    expect(toInput({ ...draft, discount: "none" }).discount).toBeNull();
  });

  it("checks the sequence as the server does, naming each field", () => {
    expect(draftErrors([step()]).size).toBe(0);
    const errors = draftErrors([
      step({ delayAmount: "2", delayUnit: "hours" }),
      step({ delayAmount: "1", delayUnit: "hours", subject: "" }),
      step({ delayAmount: "1.5", body: "no link" }),
      step({ delayAmount: "3", delayUnit: "days", discount: "percentage", percent: "95", validHours: "x" }),
    ]);
    expect(errors.get("steps[1].delayMinutes")).toMatch(/later than the previous/);
    expect(errors.get("steps[1].subject")).toBe("is required");
    expect(errors.get("steps[2].delayMinutes")).toBe("Enter a whole number");
    expect(errors.get("steps[2].body")).toMatch(/\{\{link\}\}/);
    expect(errors.get("steps[3].discount.percent")).toMatch(/between 1 and 90/);
    expect(errors.get("steps[3].discount.validHours")).toBe("Enter a whole number of hours");
    expect(draftErrors([step({ discount: "fixed", amount: "5.001", currency: "USD" })]).get("steps[0].discount.amount")).toMatch(/2 decimal places/);
  });

  it("labels the discount as the email will", () => {
    expect(discountLabel(step({ discount: "percentage", percent: "10" }))).toBe("10% off");
    expect(discountLabel(step({ discount: "percentage", percent: "12.50" }))).toBe("12.50% off");
    expect(discountLabel(step({ discount: "fixed", amount: "5", currency: "EUR" }))).toBe("€5.00 off");
    expect(discountLabel(step({ discount: "fixed", amount: "500", currency: "JPY" }))).toBe("¥500 off");
    expect(discountLabel(step({ discount: "fixed", amount: "abc", currency: "USD" }))).toBeNull();
    expect(discountLabel(step())).toBeNull();
  });

  it("previews with the step's own discount, or without the discount section", () => {
    const none = renderEmail(step(), previewContext(step(), "Fern & Co"));
    expect(none.text).not.toContain("off with");
    const fixed = step({ discount: "fixed", amount: "5", currency: "GBP" });
    const text = renderEmail(fixed, previewContext(fixed, "Fern & Co")).text;
    expect(text).toMatch(/£5\.00 off with CB-/);
  });

  it("adds a valid step a day after the last one, within 30 days", () => {
    const next = newStepDraft(step({ delayAmount: "72", delayUnit: "hours" }), "n", "EUR");
    expect(toInput(next).delayMinutes).toBe(96 * 60);
    expect(draftErrors([step({ delayAmount: "72", delayUnit: "hours" }), next]).size).toBe(0);
    expect(toInput(newStepDraft(step({ delayAmount: "30", delayUnit: "days" }), "n", "EUR")).delayMinutes).toBe(30 * 1440);
    expect(toInput(newStepDraft(undefined, "n", "EUR")).delayMinutes).toBe(1440);
  });

  it("turns the schema's bare messages into sentences", () => {
    expect(sentence("Subject", "is required")).toBe("Subject is required");
    expect(sentence("Body", "must contain {{link}}")).toBe("Body must contain {{link}}");
    expect(sentence("Body", "{{x}} is not a known placeholder")).toBe("{{x}} is not a known placeholder");
  });
});
