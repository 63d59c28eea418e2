"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog } from "@/components/client-ui";
import { Field, inputClass } from "@/components/ui";
import { SETTING_BOUNDS } from "@/lib/businesses/bounds";
import { apiFetch, RequestError } from "@/lib/client/api";

export type PrivacySettings = { retentionDays: number | null; requireConsent: boolean };

const RETENTION_DAYS = SETTING_BOUNDS.retentionDays;

/** Retention of old carts (days, empty = forever) and whether recovery emails need recorded consent. */
export function PrivacySettingsForm({ initial }: { initial: PrivacySettings }) {
  const router = useRouter();
  const [days, setDays] = useState(initial.retentionDays === null ? "" : String(initial.retentionDays));
  const [requireConsent, setRequireConsent] = useState(initial.requireConsent);
  const [error, setError] = useState<string | null>(null);

  const retentionDays = days.trim() === "" ? null : Number(days);
  const valid = retentionDays === null || (Number.isInteger(retentionDays) && retentionDays >= RETENTION_DAYS.min && retentionDays <= RETENTION_DAYS.max);
  const dirty = retentionDays !== initial.retentionDays || requireConsent !== initial.requireConsent;

  const save = useMutation({
    mutationFn: (body: Partial<PrivacySettings>) => apiFetch("/api/dashboard/business", { method: "PATCH", body }),
    onSuccess: () => {
      setError(null);
      toast.success("Privacy settings saved");
      router.refresh();
    },
    onError: (e) => {
      const message = e instanceof Error ? e.message : "Could not save the privacy settings";
      if (e instanceof RequestError && e.field === "retentionDays") setError(message);
      toast.error(message);
    },
  });

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!valid) {
      const message = `Keep carts for a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}, or leave it empty to keep them forever.`;
      setError(message);
      toast.error(message);
      return;
    }
    const body: Partial<PrivacySettings> = {};
    if (retentionDays !== initial.retentionDays) body.retentionDays = retentionDays;
    if (requireConsent !== initial.requireConsent) body.requireConsent = requireConsent;
    if (Object.keys(body).length) save.mutate(body);
  }

  const hintId = "retention-days-hint";
  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <div className="space-y-1.5">
        <label htmlFor="retention-days" className="block text-sm font-medium">
          Keep carts for
        </label>
        <div className="flex max-w-xs items-center gap-2">
          <input
            id="retention-days"
            name="retentionDays"
            type="number"
            inputMode="numeric"
            min={RETENTION_DAYS.min}
            max={RETENTION_DAYS.max}
            step={1}
            placeholder="Forever"
            value={days}
            onChange={(e) => {
              setDays(e.target.value);
              setError(null);
            }}
            aria-invalid={!valid || error ? true : undefined}
            aria-describedby={hintId}
            className={inputClass.replace("w-full", "w-28")}
          />
          <span className="text-sm text-slate-600 dark:text-slate-400">days</span>
        </div>
        <p id={hintId} className={"text-xs " + (valid && !error ? "text-slate-500 dark:text-slate-400" : "text-rose-700 dark:text-rose-300")}>
          {error ??
            (valid
              ? `Carts older than this are deleted with their items, links, recovery emails and timeline. Leave empty to keep them forever (${RETENTION_DAYS.min}–${RETENTION_DAYS.max} days). Orders are never deleted.`
              : `Enter a whole number from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}, or leave it empty.`)}
        </p>
      </div>

      <label
        htmlFor="require-consent"
        className="flex cursor-pointer items-start gap-2.5 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50 has-[:checked]:border-brand-500/50 has-[:checked]:bg-brand-50/60 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 dark:border-slate-800 dark:hover:bg-slate-800/50 dark:has-[:checked]:border-blue-800 dark:has-[:checked]:bg-blue-950/30"
      >
        <input
          id="require-consent"
          name="requireConsent"
          type="checkbox"
          checked={requireConsent}
          onChange={(e) => setRequireConsent(e.target.checked)}
          className="mt-0.5 size-4 shrink-0 accent-brand-600"
        />
        <span className="min-w-0">
          <span className="block text-sm font-medium">Require consent for recovery emails</span>
          <span className="block text-xs text-slate-500 dark:text-slate-400">
            Only email customers whose marketing consent was recorded as granted (with their cart or through the contacts API). When off,
            everyone is emailed except those who denied consent or unsubscribed.
          </span>
        </span>
      </label>

      <div className="flex flex-col-reverse gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:items-center sm:justify-end dark:border-slate-800">
        {dirty && <p className="text-sm text-slate-500 dark:text-slate-400">You have unsaved changes.</p>}
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save privacy settings
        </Button>
      </div>
    </form>
  );
}

type ErasureCounts = Record<string, number>;

const isEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** "2 carts, 1 recovery email and 3 webhook deliveries deleted; 1 order anonymised." */
export function erasureSummary(counts: ErasureCounts): string {
  const n = (key: string) => counts[key] ?? 0;
  const of = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const deleted = [
    n("carts") && of(n("carts"), "cart", "carts"),
    n("recoveryMessages") && of(n("recoveryMessages"), "recovery email", "recovery emails"),
    n("recoveryLinks") && of(n("recoveryLinks"), "payment link", "payment links"),
    n("events") && of(n("events"), "timeline event", "timeline events"),
    n("webhookDeliveries") && of(n("webhookDeliveries"), "webhook delivery", "webhook deliveries"),
  ].filter(Boolean) as string[];
  const anonymised = [
    n("ordersAnonymised") && of(n("ordersAnonymised"), "order", "orders"),
    n("checkoutSessionsAnonymised") && of(n("checkoutSessionsAnonymised"), "checkout", "checkouts"),
  ].filter(Boolean) as string[];
  const parts = [
    deleted.length || n("customers") ? `Deleted ${deleted.length ? list(deleted) : "the contact"}` : null,
    anonymised.length ? `anonymised ${list(anonymised)}` : null,
  ].filter(Boolean);
  return parts.length ? `${parts.join("; ")}.` : "Nothing was stored for this email. The request was logged.";
}

const list = (parts: string[]) => (parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`);

/** Erase a contact by email, after a dialog that says exactly what goes and what stays. */
export function EraseContactForm() {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [asking, setAsking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ email: string; summary: string } | null>(null);

  const erase = useMutation({
    mutationFn: (address: string) => apiFetch<{ erased: ErasureCounts }>("/api/dashboard/contacts/erase", { body: { email: address } }),
    onSuccess: (data, address) => {
      setAsking(null);
      setEmail("");
      setDone({ email: address, summary: erasureSummary(data.erased) });
      toast.success(`${address} erased`);
      router.refresh();
    },
    onError: (e) => {
      setAsking(null);
      const message = e instanceof Error ? e.message : "Could not erase the contact";
      setError(message);
      toast.error(message);
    },
  });

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const address = email.trim().toLowerCase();
    if (!isEmail(address)) {
      setError("Enter the customer's email address, like ana@example.com.");
      return;
    }
    setDone(null);
    setAsking(address);
  }

  return (
    <div className="space-y-3">
      <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end" noValidate>
        <div className="min-w-0 flex-1">
          <Field
            label="Customer email"
            htmlFor="erase-email"
            hint={
              <span id="erase-email-hint" className={error ? "text-rose-700 dark:text-rose-300" : undefined}>
                {error ?? "Everything Cartback keeps about this person in this business is erased. This cannot be undone."}
              </span>
            }
          >
            <input
              id="erase-email"
              name="email"
              type="email"
              autoComplete="off"
              spellCheck={false}
              maxLength={254}
              placeholder="customer@example.com"
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                setError(null);
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby="erase-email-hint"
              className={inputClass}
            />
          </Field>
        </div>
        <Button type="submit" variant="danger" className="sm:mb-6">
          Erase contact…
        </Button>
      </form>

      {done && (
        <p role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
          <span className="font-medium break-all">{done.email}</span> was erased. {done.summary}
        </p>
      )}

      {asking && (
        <ConfirmDialog
          open
          title={`Erase ${asking}?`}
          confirmLabel="Erase for good"
          variant="danger"
          busy={erase.isPending}
          onConfirm={() => erase.mutate(asking)}
          onClose={() => setAsking(null)}
        >
          <p>This deletes, in this business only:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            <li>the contact, with their consent and unsubscribe record;</li>
            <li>all their carts, with items, payment links, payment pages, recovery emails and discount codes;</li>
            <li>those carts&apos; timelines, and every webhook delivery that mentions the email.</li>
          </ul>
          <p className="mt-2">
            Their orders and payments stay for your books, with the name, email, phone and addresses removed. Only a fingerprint of the
            email is logged. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
