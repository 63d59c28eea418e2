"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/client-ui";
import { Field, inputClass } from "@/components/ui";
import { apiFetch, RequestError } from "@/lib/client/api";

export type CurrencyOption = { code: string; label: string };

type Settings = { name: string; defaultCurrency: string; linkTtlHours: number };
type Unit = "hours" | "days";

const MAX_HOURS = 2160;
const MAX = { hours: MAX_HOURS, days: MAX_HOURS / 24 } as const;

/** The business's name, default currency and payment link lifetime (stored in hours). */
export function BusinessForm({ initial, currencies }: { initial: Settings; currencies: CurrencyOption[] }) {
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [currency, setCurrency] = useState(initial.defaultCurrency);
  const [unit, setUnit] = useState<Unit>(initial.linkTtlHours % 24 === 0 ? "days" : "hours");
  const [amount, setAmount] = useState(String(unit === "days" ? initial.linkTtlHours / 24 : initial.linkTtlHours));
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);

  const count = Number(amount);
  const hours = unit === "days" ? count * 24 : count;
  const lifetimeValid = amount.trim() !== "" && Number.isInteger(count) && count >= 1 && count <= MAX[unit];
  const dirty = name.trim() !== initial.name || currency !== initial.defaultCurrency || hours !== initial.linkTtlHours;

  const save = useMutation({
    mutationFn: (body: Partial<Settings>) => apiFetch("/api/dashboard/business", { method: "PATCH", body }),
    onSuccess: () => {
      setFieldError(null);
      toast.success("Settings saved");
      router.refresh();
    },
    onError: (error) => {
      const message = error instanceof Error ? error.message : "Could not save the settings";
      if (error instanceof RequestError && error.field) setFieldError({ field: error.field, message });
      toast.error(message);
    },
  });

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!lifetimeValid) {
      const message = `Payment link lifetime must be a whole number from 1 to ${MAX[unit]} ${unit}.`;
      setFieldError({ field: "linkTtlHours", message });
      toast.error(message);
      return;
    }
    const body: Partial<Settings> = {};
    if (name.trim() !== initial.name) body.name = name.trim();
    if (currency !== initial.defaultCurrency) body.defaultCurrency = currency;
    if (hours !== initial.linkTtlHours) body.linkTtlHours = hours;
    if (Object.keys(body).length === 0) return;
    save.mutate(body);
  }

  function changeUnit(next: Unit) {
    // Keep the same lifetime when it converts exactly; otherwise keep the number typed.
    if (lifetimeValid && next === "days" && hours % 24 === 0) setAmount(String(hours / 24));
    if (lifetimeValid && next === "hours") setAmount(String(hours));
    setUnit(next);
    setFieldError(null);
  }

  const errorFor = (field: string) => (fieldError?.field === field ? fieldError.message : undefined);

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Business name" htmlFor="business-name" hint={<ErrorText id="business-name-error" message={errorFor("name")} />}>
          <input
            id="business-name"
            name="name"
            required
            maxLength={200}
            autoComplete="organization"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setFieldError(null);
            }}
            aria-invalid={errorFor("name") ? true : undefined}
            aria-describedby={errorFor("name") ? "business-name-error" : undefined}
            className={inputClass}
          />
        </Field>
        <Field
          label="Default currency"
          htmlFor="default-currency"
          hint={errorFor("defaultCurrency") ? <ErrorText id="currency-error" message={errorFor("defaultCurrency")} /> : "Used for carts sent without a currency."}
        >
          <select
            id="default-currency"
            name="defaultCurrency"
            value={currency}
            onChange={(e) => {
              setCurrency(e.target.value);
              setFieldError(null);
            }}
            aria-invalid={errorFor("defaultCurrency") ? true : undefined}
            className={inputClass}
          >
            {currencies.map((c) => (
              <option key={c.code} value={c.code}>
                {c.label}
              </option>
            ))}
          </select>
        </Field>
      </div>

      <div className="space-y-1.5">
        <label htmlFor="link-lifetime" className="block text-sm font-medium">
          Payment link lifetime
        </label>
        <div className="flex max-w-xs gap-2">
          <input
            id="link-lifetime"
            name="linkLifetime"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX[unit]}
            step={1}
            required
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value);
              setFieldError(null);
            }}
            aria-invalid={!lifetimeValid || errorFor("linkTtlHours") ? true : undefined}
            aria-describedby="link-lifetime-hint"
            className={inputClass.replace("w-full", "w-24")}
          />
          <select
            aria-label="Lifetime unit"
            value={unit}
            onChange={(e) => changeUnit(e.target.value as Unit)}
            className={inputClass.replace("w-full", "w-28")}
          >
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
        <p id="link-lifetime-hint" className={"text-xs " + (lifetimeValid && !errorFor("linkTtlHours") ? "text-slate-500 dark:text-slate-400" : "text-rose-700 dark:text-rose-300")}>
          {errorFor("linkTtlHours") ??
            (lifetimeValid
              ? "How long a new payment link stays valid: from 1 hour up to 90 days. Existing links keep their expiry."
              : `Enter a whole number from 1 to ${MAX[unit]} ${unit}.`)}
        </p>
      </div>

      <div className="flex flex-col-reverse gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center sm:justify-end dark:border-slate-800">
        {dirty && <p className="text-sm text-slate-500 dark:text-slate-400">You have unsaved changes.</p>}
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

function ErrorText({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <span id={id} className="text-rose-700 dark:text-rose-300">
      {message}
    </span>
  );
}
