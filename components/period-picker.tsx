"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Button } from "./client-ui";
import { cx, inputClass } from "./ui";

type Props = {
  /** The preset in force, or null when a custom range is shown. */
  active: string | null;
  presets: { period: string; label: string; href: string }[];
  /** The days shown (inclusive), to prefill the custom range. */
  from: string;
  to: string;
  /** A currency chosen in the URL, kept when the range changes. */
  currency?: string;
  maxDays: number;
};

const segment = (on: boolean) =>
  cx(
    "rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
    on ? "bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white",
  );

/**
 * Period presets and a custom date range. Both are plain URLs (?period=7d, ?from=…&to=…), so a
 * view survives a reload and can be shared.
 */
export function PeriodPicker({ active, presets, from, to, currency, maxDays }: Props) {
  const [open, setOpen] = useState(active === null);
  const formId = useId();
  return (
    <div className="flex w-full flex-col gap-3 sm:w-auto sm:items-end">
      <nav aria-label="Period" className="inline-flex w-full rounded-lg bg-slate-100 p-1 sm:w-auto dark:bg-slate-800/60">
        {presets.map((p) => (
          <Link key={p.period} href={p.href} aria-current={active === p.period ? "page" : undefined} className={cx(segment(active === p.period), "flex-1 text-center sm:flex-none")}>
            {p.label}
          </Link>
        ))}
        <button
          type="button"
          aria-expanded={open}
          aria-controls={formId}
          aria-current={active === null ? "true" : undefined}
          onClick={() => setOpen((v) => !v)}
          className={cx(segment(active === null), "flex-1 sm:flex-none")}
        >
          Custom
        </button>
      </nav>
      <div id={formId} hidden={!open}>
        <CustomRange key={`${from}:${to}`} from={from} to={to} currency={currency} maxDays={maxDays} />
      </div>
    </div>
  );
}

const DAY_MS = 86_400_000;

function CustomRange({ from: initialFrom, to: initialTo, currency, maxDays }: Omit<Props, "active" | "presets">) {
  const router = useRouter();
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();

  function apply(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const problem = !from || !to
      ? "Choose both a start and an end date."
      : to < from
        ? "The end date must be on or after the start date."
        : (Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > maxDays
          ? `Choose at most ${maxDays} days.`
          : null;
    setError(problem);
    if (problem) return;
    const q = new URLSearchParams({ from, to });
    if (currency) q.set("currency", currency);
    startTransition(() => router.push(`/?${q}`));
  }

  const invalid = error ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
  return (
    // A GET form: without JavaScript it still lands on /?from=…&to=….
    <form method="get" action="/" onSubmit={apply} noValidate className="flex flex-wrap items-end gap-2" aria-label="Custom date range">
      <div className="min-w-0 flex-1 sm:w-40 sm:flex-none">
        <label htmlFor={`${id}-from`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-300">
          From
        </label>
        <input id={`${id}-from`} name="from" type="date" required value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} className={inputClass} {...invalid} />
      </div>
      <div className="min-w-0 flex-1 sm:w-40 sm:flex-none">
        <label htmlFor={`${id}-to`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-300">
          To
        </label>
        <input id={`${id}-to`} name="to" type="date" required value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className={inputClass} {...invalid} />
      </div>
      {currency && <input type="hidden" name="currency" value={currency} />}
      <Button type="submit" variant="primary" busy={pending} className="w-full sm:w-auto">
        Apply
      </Button>
      {error && (
        <p id={`${id}-error`} role="alert" className="w-full text-sm text-rose-600 dark:text-rose-400">
          {error}
        </p>
      )}
    </form>
  );
}
