"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/client-ui";
import { Field, inputClass } from "@/components/ui";
import { apiFetch, RequestError } from "@/lib/client/api";

/** The business's Twig merchant defaults (seed 003's `merchant`), used by orders whose init omits it. */
export type TwigMerchantSettings = {
  confirmUrl: string;
  cancelUrl: string;
  validationUrl: string;
  pushUrl: string;
  requiresValidateCallbackSuccess: boolean;
  captureOnExpire: boolean;
};

type UrlKey = "confirmUrl" | "cancelUrl" | "validationUrl" | "pushUrl";

export const TWIG_URL_FIELDS: { key: UrlKey; label: string; hint: string; placeholder: string }[] = [
  { key: "confirmUrl", label: "Confirm URL", hint: "Where the customer goes after authorizing the payment.", placeholder: "https://shop.example/twig/confirm" },
  { key: "cancelUrl", label: "Cancel URL", hint: "Where the customer goes after cancelling on the Twig checkout.", placeholder: "https://shop.example/twig/cancel" },
  { key: "validationUrl", label: "Validation URL", hint: "Called with the order right after the customer authorizes it.", placeholder: "https://shop.example/twig/validate" },
  { key: "pushUrl", label: "Push URL", hint: "Told each time an order's status changes (signed with the order's API key).", placeholder: "https://shop.example/twig/push" },
];

export const TWIG_FLAG_FIELDS: { key: "requiresValidateCallbackSuccess" | "captureOnExpire"; label: string; hint: string }[] = [
  {
    key: "requiresValidateCallbackSuccess",
    label: "Require the validation call to succeed",
    hint: "When the validation URL fails or does not answer, cancel the order (and release the authorization) instead of going on.",
  },
  {
    key: "captureOnExpire",
    label: "Capture on expiry",
    hint: "Before an authorization lapses, capture what is left of it instead of releasing it to the customer.",
  },
];

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
};

export function TwigMerchantForm({ initial }: { initial: TwigMerchantSettings }) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const dirty = (Object.keys(initial) as (keyof TwigMerchantSettings)[]).some((k) => (typeof values[k] === "string" ? (values[k] as string).trim() : values[k]) !== initial[k]);

  const save = useMutation({
    mutationFn: (twigMerchant: TwigMerchantSettings) => apiFetch("/api/dashboard/business", { method: "PATCH", body: { twigMerchant } }),
    onSuccess: () => {
      setFieldError(null);
      toast.success("Twig merchant defaults saved");
      router.refresh();
    },
    onError: (error) => {
      const message = error instanceof Error ? error.message : "Could not save the Twig merchant defaults";
      if (error instanceof RequestError && error.field) setFieldError({ field: error.field.replace(/^twigMerchant\./, ""), message });
      toast.error(message);
    },
  });

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const body = { ...values };
    for (const { key, label } of TWIG_URL_FIELDS) {
      body[key] = values[key].trim();
      if (body[key] && !isHttpUrl(body[key])) {
        const message = `${label} must be an absolute http(s) URL, like https://shop.example/twig.`;
        setFieldError({ field: key, message });
        toast.error(message);
        return;
      }
    }
    save.mutate(body);
  }

  const errorFor = (field: string) => (fieldError?.field === field ? fieldError.message : undefined);
  const set = <K extends keyof TwigMerchantSettings>(key: K, value: TwigMerchantSettings[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setFieldError(null);
  };

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <div className="grid gap-5 sm:grid-cols-2">
        {TWIG_URL_FIELDS.map(({ key, label, hint, placeholder }) => {
          const error = errorFor(key);
          const id = `twig-${key}`;
          return (
            <Field
              key={key}
              label={label}
              htmlFor={id}
              hint={
                <span id={`${id}-hint`} className={error ? "text-rose-700 dark:text-rose-300" : undefined}>
                  {error ?? `${hint} Optional.`}
                </span>
              }
            >
              <input
                id={id}
                name={key}
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                maxLength={2048}
                placeholder={placeholder}
                value={values[key]}
                onChange={(e) => set(key, e.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-hint`}
                className={inputClass}
              />
            </Field>
          );
        })}
      </div>

      <fieldset className="grid gap-2 sm:grid-cols-2">
        <legend className="sr-only">Twig order handling</legend>
        {TWIG_FLAG_FIELDS.map(({ key, label, hint }) => (
          <label
            key={key}
            htmlFor={`twig-${key}`}
            className="flex cursor-pointer items-start gap-2.5 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50 has-[:checked]:border-brand-500/50 has-[:checked]:bg-brand-50/60 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 dark:border-slate-800 dark:hover:bg-slate-800/50 dark:has-[:checked]:border-blue-800 dark:has-[:checked]:bg-blue-950/30"
          >
            <input
              id={`twig-${key}`}
              name={key}
              type="checkbox"
              checked={values[key]}
              onChange={(e) => set(key, e.target.checked)}
              className="mt-0.5 size-4 shrink-0 accent-brand-600"
            />
            <span className="min-w-0">
              <span className="block text-sm font-medium">{label}</span>
              <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <div className="flex flex-col-reverse gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center sm:justify-end dark:border-slate-800">
        {dirty && <p className="text-sm text-slate-500 dark:text-slate-400">You have unsaved changes.</p>}
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save Twig defaults
        </Button>
      </div>
    </form>
  );
}
