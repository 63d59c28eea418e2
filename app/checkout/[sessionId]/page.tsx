import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import {
  checkoutTheme,
  customFieldsOf,
  decodeFlash,
  fieldLabel,
  FLASH_COOKIE,
  prefilledValues,
  redirectTarget,
  summarize,
  timeLeft,
  viewCheckout,
  type CheckoutFormValues,
  type CheckoutSummary,
  type FieldErrors,
} from "@/lib/checkout/page";
import type { CheckoutSession } from "@/lib/checkout/service";
import { formatMoney } from "@/lib/money";
import { paymentMode } from "@/lib/payments/stripe";
import { COUNTRY_CODES } from "@/lib/torque/countries";
import { checkoutMetadata, CheckoutFrame, LockIcon, primaryButton, StateCard } from "./checkout-ui";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ sessionId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One view per request, shared by the metadata and the page (a visit is counted once). */
const view = cache((sessionId: string) => viewCheckout(sessionId));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const v = await view((await params).sessionId);
  return checkoutMetadata(v.state === "not_found" ? null : v.businessName);
}

export default async function CheckoutPage({ params, searchParams }: Props) {
  const { sessionId } = await params;
  const query = await searchParams;
  const v = await view(sessionId);
  if (v.state === "not_found") notFound();
  const { session, businessName } = v;
  const theme = checkoutTheme(session.options);

  if (v.state === "expired") {
    return (
      <CheckoutFrame businessName={businessName} theme={theme}>
        <StateCard tone="closed" title="This checkout has expired">
          <p>No payment was taken. This checkout link from {businessName} is no longer active.</p>
          <p>Please contact {businessName} for a new link — your cart can be picked up where you left it.</p>
        </StateCard>
      </CheckoutFrame>
    );
  }

  if (v.state === "completed") {
    const next = v.redirectUrl && v.orderId ? redirectTarget(v.redirectUrl, v.orderId, session.id) : v.redirectUrl;
    return (
      <CheckoutFrame businessName={businessName} theme={theme}>
        <StateCard
          tone="success"
          title="Payment received"
          action={
            next ? (
              <a href={next} className={primaryButton}>
                Continue to {businessName}
              </a>
            ) : undefined
          }
        >
          <p>This checkout is already paid. Thank you for your order!</p>
          {v.orderId && (
            <p>
              Order number <span className="font-mono font-medium text-slate-900 dark:text-slate-100">{v.orderId}</span>
            </p>
          )}
        </StateCard>
      </CheckoutFrame>
    );
  }

  const bounced = first(query.invalid) === "1";
  const flash = bounced ? decodeFlash((await cookies()).get(FLASH_COOKIE)?.value) : undefined;
  const values = flash?.values ?? prefilledValues(session);
  const errors = flash?.errors ?? {};
  const summary = summarize(session);
  const money = (minor: bigint) => formatMoney(minor, summary.currency);
  const testMode = paymentMode() === "test";

  return (
    <CheckoutFrame businessName={businessName} theme={theme}>
      <div className="mb-6 sm:mb-8">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Checkout</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Your order from {businessName} · this checkout expires {timeLeft(session.expiresAt)}
        </p>
      </div>

      {testMode && (
        <p
          role="note"
          className="cb-test-mode mb-6 flex items-start gap-2 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/60 dark:text-amber-200"
        >
          <span className="mt-px shrink-0 rounded bg-amber-200 px-1.5 py-0.5 text-[11px] font-bold tracking-wide whitespace-nowrap dark:bg-amber-800">TEST MODE</span>
          <span>Stripe is not configured: you will pay on a simulated checkout and no real money moves.</span>
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_380px] lg:items-start lg:gap-10">
        <OrderSummary summary={summary} money={money} />

        <form method="post" action={`/checkout/${encodeURIComponent(session.id)}/pay`} className="cb-form space-y-6 lg:order-first">
          {(bounced || Object.keys(errors).length > 0) && <ErrorSummary errors={errors} />}

          <Section title="Contact" description={`${businessName} uses these to confirm your order.`}>
            <TextField name="email" label="Email" type="email" autoComplete="email" required values={values} errors={errors} />
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField name="firstName" label="First name" autoComplete="given-name" required values={values} errors={errors} />
              <TextField name="lastName" label="Last name" autoComplete="family-name" required values={values} errors={errors} />
            </div>
            <TextField name="phone" label="Phone" type="tel" autoComplete="tel" optional values={values} errors={errors} />
          </Section>

          <AddressSection session={session} values={values} errors={errors} />

          {customFieldsOf(session.options).length > 0 && (
            <Section title="Additional information">
              {customFieldsOf(session.options).map((f) => (
                <TextField key={f.key} name={f.name} label={f.label} placeholder={f.placeholder ?? undefined} maxLength={500} optional values={values} errors={errors} />
              ))}
            </Section>
          )}

          <div className="cb-pay space-y-3">
            <button type="submit" className={primaryButton}>
              <LockIcon className="size-4" />
              {summary.totalMinor === 0n ? "Place order" : `Pay ${money(summary.totalMinor)}`}
            </button>
            <p className="text-center text-xs text-slate-500 dark:text-slate-400">
              {summary.totalMinor === 0n
                ? "Nothing to pay: your order is confirmed straight away."
                : testMode
                  ? "Next: a simulated test-mode payment page."
                  : "Next: you pay on Stripe's secure payment page. Card details never touch this site."}
            </p>
          </div>
        </form>
      </div>
    </CheckoutFrame>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function OrderSummary({ summary, money }: { summary: CheckoutSummary; money: (minor: bigint) => string }) {
  return (
    <section aria-labelledby="summary-heading" className="cb-summary rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 lg:sticky lg:top-6 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="summary-heading" className="text-base font-semibold">
          Order summary
        </h2>
        <span className="text-sm text-slate-500 dark:text-slate-400">
          {summary.itemCount} {summary.itemCount === 1 ? "item" : "items"}
        </span>
      </div>

      <ul className="mt-4 divide-y divide-slate-100 dark:divide-slate-800">
        {summary.lines.map((line) => (
          <li key={line.key} className="flex items-start gap-3 py-3 first:pt-0">
            <span aria-hidden className="grid size-11 shrink-0 place-items-center rounded-lg bg-(--cb-primary)/10 text-sm font-semibold text-(--cb-primary)">
              {line.name.trim()[0]?.toUpperCase() ?? "·"}
            </span>
            <div className="min-w-0 flex-1">
              <p className="font-medium break-words">{line.name}</p>
              {line.variant && <p className="text-sm text-slate-500 dark:text-slate-400">{line.variant}</p>}
              <p className="text-sm text-slate-500 dark:text-slate-400">
                Qty {line.quantity}
                {line.quantity > 1 && <> × {money(line.unitMinor)}</>}
              </p>
            </div>
            <span className="font-medium tabular-nums">{money(line.totalMinor)}</span>
          </li>
        ))}
      </ul>

      <dl className="mt-2 space-y-2 border-t border-slate-200 pt-4 text-sm dark:border-slate-800">
        <Row label="Subtotal" value={money(summary.subtotalMinor)} testId="summary-subtotal" />
        {summary.discounts.map((d, i) => (
          <Row
            key={`${d.code}-${i}`}
            testId={`summary-discount-${i}`}
            label={
              <span className="flex flex-wrap items-center gap-1.5">
                Discount
                <span className="rounded-md bg-emerald-50 px-1.5 py-0.5 font-mono text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-800">
                  {d.code}
                </span>
                {d.type === "percentage" && <span className="text-slate-500 dark:text-slate-400">{d.amount}% off</span>}
              </span>
            }
            value={<span className="text-emerald-700 dark:text-emerald-400">−{money(d.appliedMinor)}</span>}
          />
        ))}
        {summary.shipping && (
          <Row
            testId="summary-shipping"
            label={
              <span>
                Shipping <span className="text-slate-500 dark:text-slate-400">· {summary.shipping.method}</span>
                {(summary.shipping.description || summary.shipping.estimatedDays !== null) && (
                  <span className="block text-xs text-slate-500 dark:text-slate-400">
                    {summary.shipping.description ?? `Arrives in about ${summary.shipping.estimatedDays} day${summary.shipping.estimatedDays === 1 ? "" : "s"}`}
                  </span>
                )}
              </span>
            }
            value={summary.shipping.costMinor === 0n ? "Free" : money(summary.shipping.costMinor)}
          />
        )}
        <div className="flex items-baseline justify-between gap-4 border-t border-slate-200 pt-3 dark:border-slate-800">
          <dt className="text-base font-semibold">Total</dt>
          <dd className="text-right">
            <span className="mr-1.5 text-xs font-medium text-slate-500 dark:text-slate-400">{summary.currency}</span>
            <span className="text-xl font-semibold tabular-nums" data-testid="summary-total">
              {money(summary.totalMinor)}
            </span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Row({ label, value, testId }: { label: React.ReactNode; value: React.ReactNode; testId?: string }) {
  return (
    <div className="flex items-start justify-between gap-4">
      <dt className="text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="cb-section rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-4">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {description && <p className="text-sm text-slate-500 dark:text-slate-400">{description}</p>}
      </div>
      <div className="space-y-4">{children}</div>
    </section>
  );
}

const LABELS: Record<string, string> = {
  email: "Email",
  firstName: "First name",
  lastName: "Last name",
  phone: "Phone",
  "address.street": "Street address",
  "address.apartment": "Apartment, suite, etc.",
  "address.city": "City",
  "address.state": "State / province",
  "address.postalCode": "Postal code",
  "address.country": "Country",
};

const fieldId = (name: string) => `field-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const entries = Object.entries(errors);
  const fieldErrors = entries.filter(([name]) => name !== "form");
  return (
    <div id="errors" role="alert" tabIndex={-1} className="rounded-xl border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 focus:outline-none dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-200">
      <p className="font-semibold">{errors.form ?? (fieldErrors.length ? "Please check the highlighted details" : "Please check your details and try again")}</p>
      {fieldErrors.length > 0 && (
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {fieldErrors.map(([name, message]) => (
            <li key={name}>
              <a href={`#${fieldId(name)}`} className="underline underline-offset-2">
                {LABELS[name] ?? fieldLabel(name.replace(/^custom\./, ""))}: {message}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const inputBase =
  "block w-full rounded-lg border bg-white px-3 py-2.5 text-base shadow-sm placeholder:text-slate-400 focus:outline-none focus:ring-2 sm:text-sm dark:bg-slate-950";
const inputOk = "border-slate-300 focus:border-(--cb-primary) focus:ring-(--cb-primary)/25 dark:border-slate-700";
const inputBad = "border-rose-500 focus:border-rose-500 focus:ring-rose-500/25 dark:border-rose-500";

type FieldProps = {
  name: string;
  label?: string;
  values: CheckoutFormValues;
  errors: FieldErrors;
  required?: boolean;
  optional?: boolean;
  type?: "text" | "email" | "tel";
  autoComplete?: string;
  placeholder?: string;
  maxLength?: number;
};

function FieldFrame({ id, label, optional, error, children }: { id: string; label: string; optional?: boolean; error?: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
        {optional && <span className="font-normal text-slate-500 dark:text-slate-400"> (optional)</span>}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}

function TextField({ name, label, values, errors, required, optional, type = "text", autoComplete, placeholder, maxLength }: FieldProps) {
  const id = fieldId(name);
  const error = errors[name];
  return (
    <FieldFrame id={id} label={label ?? LABELS[name] ?? name} optional={optional} error={error}>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={values[name] ?? ""}
        autoComplete={autoComplete}
        placeholder={placeholder}
        maxLength={maxLength ?? 200}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputBase} ${error ? inputBad : inputOk}`}
      />
    </FieldFrame>
  );
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const COUNTRIES = [...COUNTRY_CODES].map((code) => ({ code, name: regionNames.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, "en"));

function CountrySelect({ values, errors, required }: { values: CheckoutFormValues; errors: FieldErrors; required: boolean }) {
  const name = "address.country";
  const id = fieldId(name);
  const error = errors[name];
  const current = (values[name] ?? "").toUpperCase();
  const known = COUNTRY_CODES.has(current);
  return (
    <FieldFrame id={id} label="Country" error={error}>
      <select
        id={id}
        name={name}
        defaultValue={known ? current : ""}
        autoComplete="country"
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputBase} ${error ? inputBad : inputOk}`}
      >
        <option value="">Select a country…</option>
        {COUNTRIES.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

function AddressFields({ values, errors, required }: { values: CheckoutFormValues; errors: FieldErrors; required: boolean }) {
  const common = { values, errors, required };
  return (
    <div className="space-y-4">
      <TextField name="address.street" autoComplete="address-line1" {...common} />
      <TextField name="address.apartment" autoComplete="address-line2" values={values} errors={errors} optional maxLength={100} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="address.city" autoComplete="address-level2" {...common} />
        <TextField name="address.state" autoComplete="address-level1" {...common} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="address.postalCode" autoComplete="postal-code" maxLength={20} {...common} />
        <CountrySelect {...common} />
      </div>
    </div>
  );
}

/** Required with requireShipping; otherwise a collapsed, optional section (open when it has content). */
function AddressSection({ session, values, errors }: { session: CheckoutSession; values: CheckoutFormValues; errors: FieldErrors }) {
  if (session.options.requireShipping) {
    return (
      <Section title="Shipping address" description="Where your order should be delivered.">
        <AddressFields values={values} errors={errors} required />
      </Section>
    );
  }
  const open = Object.keys(values).some((k) => k.startsWith("address.")) || Object.keys(errors).some((k) => k.startsWith("address."));
  return (
    <details open={open} className="cb-section group rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <summary className="flex cursor-pointer list-none items-center justify-between gap-3 rounded-2xl p-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-(--cb-primary) sm:p-6 [&::-webkit-details-marker]:hidden">
        <span>
          <span className="block text-base font-semibold">Shipping address</span>
          <span className="block text-sm text-slate-500 dark:text-slate-400">Optional — add one if your order should be delivered.</span>
        </span>
        <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="size-5 shrink-0 text-slate-400 transition-transform group-open:rotate-180">
          <path fillRule="evenodd" d="M5.23 7.21a.75.75 0 0 1 1.06.02L10 11.17l3.71-3.94a.75.75 0 1 1 1.08 1.04l-4.25 4.5a.75.75 0 0 1-1.08 0l-4.25-4.5a.75.75 0 0 1 .02-1.06Z" clipRule="evenodd" />
        </svg>
      </summary>
      <div className="px-5 pb-5 sm:px-6 sm:pb-6">
        <AddressFields values={values} errors={errors} required={false} />
      </div>
    </details>
  );
}
