"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/client-ui";
import { cx, inputClass } from "@/components/ui";
import { EMAIL_FROM_NAME_MAX, SETTING_BOUNDS } from "@/lib/businesses/bounds";
import { apiFetch, RequestError } from "@/lib/client/api";
import { Switch } from "./switch";

export type RecoverySettings = {
  recoveryEmailsEnabled: boolean;
  abandonAfterMinutes: number;
  cartExpiryDays: number;
  emailCapPerWeek: number;
  /** "" when the emails come from the business's name. */
  emailFromName: string;
};

type NumberKey = "abandonAfterMinutes" | "cartExpiryDays" | "emailCapPerWeek";
type AbandonUnit = "minutes" | "hours";

/** The business's recovery settings, saved through the business settings route (only what changed). */
export function RecoverySettingsForm({ initial, businessName }: { initial: RecoverySettings; businessName: string }) {
  const router = useRouter();
  const [saved, setSaved] = useState(initial);
  const [enabled, setEnabled] = useState(initial.recoveryEmailsEnabled);
  const [abandonUnit, setAbandonUnit] = useState<AbandonUnit>(initial.abandonAfterMinutes % 60 === 0 ? "hours" : "minutes");
  const [text, setText] = useState<Record<NumberKey, string>>({
    abandonAfterMinutes: String(abandonUnit === "hours" ? initial.abandonAfterMinutes / 60 : initial.abandonAfterMinutes),
    cartExpiryDays: String(initial.cartExpiryDays),
    emailCapPerWeek: String(initial.emailCapPerWeek),
  });
  const [fromName, setFromName] = useState(initial.emailFromName);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);

  const whole = (value: string) => (/^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN);
  const values: RecoverySettings = {
    recoveryEmailsEnabled: enabled,
    abandonAfterMinutes: whole(text.abandonAfterMinutes) * (abandonUnit === "hours" ? 60 : 1),
    cartExpiryDays: whole(text.cartExpiryDays),
    emailCapPerWeek: whole(text.emailCapPerWeek),
    emailFromName: fromName.trim(),
  };
  const changed = (Object.keys(values) as (keyof RecoverySettings)[]).filter((k) => values[k] !== saved[k]);

  const problems: Partial<Record<keyof RecoverySettings, string>> = {};
  const describe = { abandonAfterMinutes: "minutes", cartExpiryDays: "days", emailCapPerWeek: "emails" } as const;
  for (const key of ["abandonAfterMinutes", "cartExpiryDays", "emailCapPerWeek"] as const) {
    const { min, max } = SETTING_BOUNDS[key];
    const v = values[key];
    if (!Number.isInteger(v) || v < min || v > max) {
      problems[key] =
        key === "abandonAfterMinutes"
          ? `Enter a whole number from ${min} minutes to ${max / 60 / 24} days.`
          : `Enter a whole number of ${describe[key]} from ${min} to ${max}.`;
    }
  }
  if (values.emailFromName.length > EMAIL_FROM_NAME_MAX) problems.emailFromName = `At most ${EMAIL_FROM_NAME_MAX} characters.`;
  else if (/[\u0000-\u001f\u007f<>"]/.test(values.emailFromName)) problems.emailFromName = 'No line breaks, <, > or ".';

  const save = useMutation({
    mutationFn: (body: Partial<RecoverySettings>) =>
      apiFetch("/api/dashboard/business", { method: "PATCH", body: { ...body, ...("emailFromName" in body ? { emailFromName: body.emailFromName || null } : {}) } }),
    onSuccess: (_, body) => {
      setSaved((s) => ({ ...s, ...body }));
      setFieldError(null);
      toast.success("Recovery settings saved");
      router.refresh();
    },
    onError: (error) => {
      const message = error instanceof Error ? error.message : "Could not save the settings";
      if (error instanceof RequestError && error.field) setFieldError({ field: error.field, message: message.replace(/^[^:]*:\s*/, "") });
      toast.error(message);
    },
  });

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const invalid = changed.find((k) => problems[k]);
    if (invalid) {
      setFieldError({ field: invalid, message: problems[invalid]! });
      toast.error(problems[invalid]!);
      document.getElementById(`recovery-${invalid}`)?.focus();
      return;
    }
    if (changed.length === 0) return;
    save.mutate(Object.fromEntries(changed.map((k) => [k, values[k]])) as Partial<RecoverySettings>);
  }

  const errorFor = (field: keyof RecoverySettings) => (fieldError?.field === field ? fieldError.message : changed.includes(field) ? problems[field] : undefined);
  const setNumber = (key: NumberKey, value: string) => {
    setText((t) => ({ ...t, [key]: value }));
    setFieldError(null);
  };

  const number = (key: NumberKey, label: string, suffix: React.ReactNode, hint: string) => {
    const error = errorFor(key);
    const id = `recovery-${key}`;
    return (
      <div className="space-y-1.5">
        <label htmlFor={id} className="block text-sm font-medium">
          {label}
        </label>
        <div className="flex items-center gap-2">
          <input
            id={id}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={text[key]}
            onChange={(e) => setNumber(key, e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint`}
            className={inputClass.replace("w-full", "w-24")}
          />
          {suffix}
        </div>
        <p id={`${id}-hint`} className={cx("text-xs", error ? "text-rose-700 dark:text-rose-300" : "text-slate-500 dark:text-slate-400")}>
          {error ?? hint}
        </p>
      </div>
    );
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="Recovery settings">
      <Switch
        id="recovery-recoveryEmailsEnabled"
        checked={enabled}
        onChange={(on) => {
          setEnabled(on);
          setFieldError(null);
        }}
        label="Send recovery emails"
        hint={enabled ? "Abandoned carts get the sequence below." : "Off: no recovery email goes out; carts are still tracked and links still work."}
      />
      <div className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
        {number(
          "abandonAfterMinutes",
          "Abandon carts after",
          <select
            aria-label="Abandonment unit"
            value={abandonUnit}
            onChange={(e) => {
              const next = e.target.value as AbandonUnit;
              const minutes = values.abandonAfterMinutes;
              if (Number.isInteger(minutes) && (next === "minutes" || minutes % 60 === 0)) setNumber("abandonAfterMinutes", String(next === "hours" ? minutes / 60 : minutes));
              setAbandonUnit(next);
            }}
            className={inputClass.replace("w-full", "w-28")}
          >
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
          </select>,
          "of inactivity, for carts your shop reports as active.",
        )}
        {number("cartExpiryDays", "Expire carts after", <span className="text-sm text-slate-500 dark:text-slate-400">days</span>, "An abandoned cart nobody recovered expires.")}
        {number("emailCapPerWeek", "At most", <span className="text-sm text-slate-500 dark:text-slate-400">emails / week</span>, "to one contact, over all their carts.")}
        <div className="space-y-1.5">
          <label htmlFor="recovery-emailFromName" className="block text-sm font-medium">
            From name
          </label>
          <input
            id="recovery-emailFromName"
            value={fromName}
            maxLength={EMAIL_FROM_NAME_MAX}
            placeholder={businessName}
            autoComplete="off"
            onChange={(e) => {
              setFromName(e.target.value);
              setFieldError(null);
            }}
            aria-invalid={errorFor("emailFromName") ? true : undefined}
            aria-describedby="recovery-emailFromName-hint"
            className={inputClass}
          />
          <p id="recovery-emailFromName-hint" className={cx("text-xs", errorFor("emailFromName") ? "text-rose-700 dark:text-rose-300" : "text-slate-500 dark:text-slate-400")}>
            {errorFor("emailFromName") ?? "Empty: your business's name."}
          </p>
        </div>
      </div>
      <div className="flex flex-col-reverse gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center sm:justify-end dark:border-slate-800">
        {changed.length > 0 && <p className="text-sm text-slate-500 dark:text-slate-400">You have unsaved changes.</p>}
        <Button type="submit" variant="primary" busy={save.isPending} disabled={changed.length === 0}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
