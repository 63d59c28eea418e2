"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/client-ui";
import { Badge, cx, inputClass } from "@/components/ui";
import { apiFetch, RequestError } from "@/lib/client/api";
import { CURRENCIES } from "@/lib/money";
import { renderEmail } from "@/lib/recovery/templates";
import { formatDelay, type DelayUnit } from "./delay";
import { EmailPreview } from "./email-preview";
import { discountLabel, draftErrors, fieldOf, newStepDraft, previewContext, sentence, toDraft, toInput, type DiscountKind, type SavedStep, type StepDraft } from "./step-draft";
import { Switch } from "./switch";

type Props = {
  initial: SavedStep[];
  businessName: string;
  defaultCurrency: string;
  /** Viewers and agents see the sequence and its previews, without inputs. */
  readOnly: boolean;
  maxSteps: number;
};

/** The business's recovery sequence: each step's timing, email and discount, with a live preview. */
export function SequenceEditor(props: Props) {
  if (props.readOnly) {
    return (
      <ol className="space-y-6" aria-label="Recovery steps">
        {props.initial.map((step, i) => (
          <ReadOnlyStep key={step.id} draft={toDraft(step, step.id, props.defaultCurrency)} index={i} businessName={props.businessName} />
        ))}
      </ol>
    );
  }
  return <Editor {...props} />;
}

const serialize = (drafts: StepDraft[]) => JSON.stringify(drafts.map(toInput));

function Editor({ initial, businessName, defaultCurrency, maxSteps }: Props) {
  const router = useRouter();
  const [saved, setSaved] = useState(() => initial.map((s) => toDraft(s, s.id, defaultCurrency)));
  const [drafts, setDrafts] = useState(saved);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<{ field: string; message: string } | null>(null);
  const nextKey = useRef(0);

  const errors = useMemo(() => draftErrors(drafts), [drafts]);
  const dirty = useMemo(() => serialize(drafts) !== serialize(saved), [drafts, saved]);

  // Leaving with unsaved edits asks first (a reload or closing the tab).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = useMutation({
    mutationFn: (steps: StepDraft[]) => apiFetch<{ steps: SavedStep[] }>("/api/dashboard/recovery/steps", { method: "PUT", body: { steps: steps.map(toInput) } }),
    onSuccess: (data, sent) => {
      const stored = data.steps.map((s, i) => toDraft(s, sent[i]?.key ?? s.id, defaultCurrency));
      setSaved(stored);
      setDrafts(stored);
      setSubmitted(false);
      setTouched(new Set());
      setServerError(null);
      toast.success("Recovery sequence saved", { description: "New emails follow it; emails already sent are not affected." });
      router.refresh();
    },
    onError: (error) => {
      const message = error instanceof Error ? error.message : "Could not save the sequence";
      if (error instanceof RequestError && error.field) setServerError({ field: error.field, message: message.replace(/^[^:]*:\s*/, "") });
      toast.error(message);
    },
  });

  const change = (index: number, patch: Partial<StepDraft>, fields: string[]) => {
    setDrafts((list) => list.map((d, i) => (i === index ? { ...d, ...patch } : d)));
    setTouched((set) => new Set([...set, ...fields.map((f) => `${drafts[index]!.key}:${f}`)]));
    setServerError(null);
  };

  /** Swaps the emails of two neighbouring steps; the delays keep their places, so timing stays in order. */
  const move = (index: number, by: -1 | 1) => {
    setDrafts((list) => {
      const other = index + by;
      if (other < 0 || other >= list.length) return list;
      const next = [...list];
      const a = list[index]!;
      const b = list[other]!;
      next[index] = { ...b, delayAmount: a.delayAmount, delayUnit: a.delayUnit };
      next[other] = { ...a, delayAmount: b.delayAmount, delayUnit: b.delayUnit };
      return next;
    });
    setServerError(null);
    // Focus follows the moved email; at the top or bottom, the button that still works.
    const key = drafts[index]!.key;
    requestAnimationFrame(() => {
      const same = document.getElementById(`move-${by < 0 ? "up" : "down"}-${key}`) as HTMLButtonElement | null;
      (same && !same.disabled ? same : document.getElementById(`move-${by < 0 ? "down" : "up"}-${key}`))?.focus();
    });
  };

  const remove = (index: number) => {
    setDrafts((list) => list.filter((_, i) => i !== index));
    setServerError(null);
  };

  const add = () => {
    const draft = newStepDraft(drafts.at(-1), `new-${++nextKey.current}`, defaultCurrency);
    setDrafts((list) => [...list, draft]);
    requestAnimationFrame(() => document.getElementById(`step-${draft.key}-subject`)?.focus());
  };

  const errorFor = (index: number, field: string): string | undefined => {
    const path = fieldOf(index, field);
    if (serverError?.field === path) return serverError.message;
    const shown = submitted || touched.has(`${drafts[index]!.key}:${field}`);
    return shown ? errors.get(path) : undefined;
  };

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (errors.size > 0) {
      setSubmitted(true);
      toast.error(`Fix ${errors.size === 1 ? "the highlighted field" : `the ${errors.size} highlighted fields`} before saving`);
      const [first] = errors.keys();
      const match = first && /^steps\[(\d+)\]\.(.+)$/.exec(first);
      if (match) document.getElementById(`step-${drafts[Number(match[1])]?.key}-${FOCUS[match[2]!] ?? match[2]}`)?.focus();
      return;
    }
    save.mutate(drafts);
  }

  // Errors that no field shows (the list as a whole, a step that is gone, a field without an input).
  const placed = (field: string) => {
    const match = /^steps\[(\d+)\]\.(.+)$/.exec(field);
    return Boolean(match && Number(match[1]) < drafts.length && SHOWN.has(match[2]!));
  };
  const general =
    serverError && !placed(serverError.field)
      ? `${serverError.field}: ${serverError.message}`
      : submitted
        ? [...errors].filter(([field]) => !placed(field)).map(([field, message]) => `${field}: ${message}`)[0]
        : undefined;

  return (
    <form onSubmit={submit} noValidate aria-label="Recovery sequence">
      <ol className="space-y-6" aria-label="Recovery steps">
        {drafts.map((draft, i) => (
          <StepEditor
            key={draft.key}
            draft={draft}
            index={i}
            count={drafts.length}
            businessName={businessName}
            errorFor={(field) => errorFor(i, field)}
            onChange={(patch, fields) => change(i, patch, fields)}
            onMove={(by) => move(i, by)}
            onRemove={() => remove(i)}
          />
        ))}
      </ol>

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button type="button" onClick={add} disabled={drafts.length >= maxSteps}>
          <span aria-hidden>+</span> Add a step
        </Button>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {drafts.length >= maxSteps ? `A sequence has at most ${maxSteps} steps.` : `Up to ${maxSteps} steps, each sent once per cart.`}
        </p>
      </div>

      <div className="sticky bottom-0 z-10 -mx-4 mt-6 flex flex-col-reverse gap-3 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur sm:flex-row sm:items-center sm:justify-end dark:border-slate-800 dark:bg-slate-900/95">
        {general && (
          <p role="alert" className="text-sm text-rose-700 sm:mr-auto dark:text-rose-300">
            {general}
          </p>
        )}
        {dirty && <p className="text-sm text-slate-500 dark:text-slate-400">You have unsaved changes.</p>}
        {dirty && (
          <Button
            type="button"
            variant="ghost"
            disabled={save.isPending}
            onClick={() => {
              setDrafts(saved);
              setSubmitted(false);
              setTouched(new Set());
              setServerError(null);
            }}
          >
            Discard changes
          </Button>
        )}
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save sequence
        </Button>
      </div>
    </form>
  );
}

/** The fields that show their own errors. */
const SHOWN = new Set(["delayMinutes", "subject", "body", "discount.percent", "discount.amount", "discount.currency", "discount.validHours"]);

/** Which element gets focus for an error on a field. */
const FOCUS: Record<string, string> = {
  delayMinutes: "delay",
  "discount.percent": "percent",
  "discount.amount": "amount",
  "discount.currency": "currency",
  "discount.validHours": "validHours",
};

function usePreview(draft: StepDraft, businessName: string) {
  // Typing stays fast on slow phones: the preview renders from a deferred copy of the step.
  const deferred = useDeferredValue(draft);
  return useMemo(() => renderEmail({ subject: deferred.subject, body: deferred.body }, previewContext(deferred, businessName)), [deferred, businessName]);
}

const UNITS: { value: DelayUnit; label: string }[] = [
  { value: "minutes", label: "minutes" },
  { value: "hours", label: "hours" },
  { value: "days", label: "days" },
];

const DISCOUNTS: { value: DiscountKind; label: string }[] = [
  { value: "none", label: "No discount" },
  { value: "percentage", label: "Percentage" },
  { value: "fixed", label: "Fixed amount" },
];

function StepEditor({
  draft,
  index,
  count,
  businessName,
  errorFor,
  onChange,
  onMove,
  onRemove,
}: {
  draft: StepDraft;
  index: number;
  count: number;
  businessName: string;
  errorFor: (field: string) => string | undefined;
  onChange: (patch: Partial<StepDraft>, fields: string[]) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const preview = usePreview(draft, businessName);
  const id = (field: string) => `step-${draft.key}-${field}`;
  const n = index + 1;

  return (
    <li aria-labelledby={id("title")} className={cx("rounded-xl border bg-white shadow-sm dark:bg-slate-900", draft.enabled ? "border-slate-200 dark:border-slate-800" : "border-dashed border-slate-300 dark:border-slate-700")}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h3 id={id("title")} className="text-sm font-semibold">
          Step {n}
        </h3>
        {!draft.enabled && <Badge>Off</Badge>}
        <div className="ml-auto flex flex-wrap gap-1">
          <Button type="button" size="sm" variant="ghost" id={`move-up-${draft.key}`} onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move step ${n} up`}>
            <span aria-hidden>↑</span>
            <span className="hidden sm:inline">Up</span>
          </Button>
          <Button type="button" size="sm" variant="ghost" id={`move-down-${draft.key}`} onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move step ${n} down`}>
            <span aria-hidden>↓</span>
            <span className="hidden sm:inline">Down</span>
          </Button>
          <Button type="button" size="sm" variant="ghost" onClick={onRemove} disabled={count === 1} aria-label={`Remove step ${n}`} className="text-rose-700 dark:text-rose-300">
            Remove
          </Button>
        </div>
      </header>

      <div className="grid gap-6 p-4 lg:grid-cols-2">
        <div className="min-w-0 space-y-5">
          <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
            <div className="space-y-1.5">
              <label htmlFor={id("delay")} className="block text-sm font-medium">
                Send after
              </label>
              <div className="flex gap-2">
                <input
                  id={id("delay")}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  step={1}
                  value={draft.delayAmount}
                  onChange={(e) => onChange({ delayAmount: e.target.value }, ["delayMinutes"])}
                  aria-invalid={errorFor("delayMinutes") ? true : undefined}
                  aria-describedby={id("delay-hint")}
                  className={inputClass.replace("w-full", "w-24")}
                />
                <select
                  aria-label={`Step ${n} delay unit`}
                  value={draft.delayUnit}
                  onChange={(e) => onChange({ delayUnit: e.target.value as DelayUnit }, ["delayMinutes"])}
                  className={inputClass.replace("w-full", "w-28")}
                >
                  {UNITS.map((u) => (
                    <option key={u.value} value={u.value}>
                      {u.label}
                    </option>
                  ))}
                </select>
              </div>
              <Hint id={id("delay-hint")} error={errorFor("delayMinutes") && sentence("Delay", errorFor("delayMinutes")!)}>
                after the cart is abandoned (5 minutes to 30 days).
              </Hint>
            </div>
            <Switch
              id={id("enabled")}
              checked={draft.enabled}
              onChange={(enabled) => onChange({ enabled }, ["enabled"])}
              label={`Send step ${n}`}
              hint={draft.enabled ? "On: sent when it falls due" : "Off: skipped; later steps still go out"}
            />
          </div>

          <div className="space-y-1.5">
            <label htmlFor={id("subject")} className="block text-sm font-medium">
              Subject
            </label>
            <input
              id={id("subject")}
              value={draft.subject}
              maxLength={200}
              onChange={(e) => onChange({ subject: e.target.value }, ["subject"])}
              aria-invalid={errorFor("subject") ? true : undefined}
              aria-describedby={id("subject-hint")}
              className={inputClass}
            />
            <Hint id={id("subject-hint")} error={errorFor("subject") && sentence("Subject", errorFor("subject")!)} />
          </div>

          <div className="space-y-1.5">
            <label htmlFor={id("body")} className="block text-sm font-medium">
              Body
            </label>
            <textarea
              id={id("body")}
              value={draft.body}
              rows={14}
              maxLength={10_000}
              onChange={(e) => onChange({ body: e.target.value }, ["body"])}
              aria-invalid={errorFor("body") ? true : undefined}
              aria-describedby={id("body-hint")}
              spellCheck
              className={cx(inputClass, "font-mono text-xs leading-relaxed")}
            />
            <Hint id={id("body-hint")} error={errorFor("body") && sentence("Body", errorFor("body")!)}>
              Plain text with placeholders. A blank line starts a paragraph; a paragraph that is only {"{{link}}"} becomes a button. Must contain{" "}
              {"{{link}}"} and {"{{unsubscribe}}"}.
            </Hint>
          </div>

          <DiscountFields draft={draft} id={id} errorFor={errorFor} onChange={onChange} />
        </div>

        <div className="min-w-0 lg:sticky lg:top-20 lg:self-start">
          <EmailPreview subject={preview.subject} html={preview.html} text={preview.text} to="Jane Doe <jane@example.com>" label={`Preview of step ${n}`} />
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">A sample customer and cart; the real email uses the customer&apos;s own.</p>
        </div>
      </div>
    </li>
  );
}

function DiscountFields({
  draft,
  id,
  errorFor,
  onChange,
}: {
  draft: StepDraft;
  id: (field: string) => string;
  errorFor: (field: string) => string | undefined;
  onChange: (patch: Partial<StepDraft>, fields: string[]) => void;
}) {
  const label = discountLabel(draft);
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <legend className="px-1 text-sm font-medium">Discount</legend>
      <div className="flex flex-wrap gap-2">
        {DISCOUNTS.map((d) => (
          <label
            key={d.value}
            className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-200 px-3 py-1.5 text-sm has-[:checked]:border-brand-500/50 has-[:checked]:bg-brand-50/60 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 dark:border-slate-800 dark:has-[:checked]:border-blue-800 dark:has-[:checked]:bg-blue-950/30"
          >
            <input
              type="radio"
              name={id("discount")}
              id={d.value === "none" ? id("discount") : undefined}
              value={d.value}
              checked={draft.discount === d.value}
              onChange={() => onChange({ discount: d.value }, [])}
              className="accent-brand-600"
            />
            {d.label}
          </label>
        ))}
      </div>

      {draft.discount !== "none" && (
        <div className="grid gap-3 sm:grid-cols-2">
          {draft.discount === "percentage" ? (
            <div className="space-y-1.5">
              <label htmlFor={id("percent")} className="block text-sm font-medium">
                Percent off
              </label>
              <div className="flex items-center gap-2">
                <input
                  id={id("percent")}
                  inputMode="decimal"
                  value={draft.percent}
                  onChange={(e) => onChange({ percent: e.target.value }, ["discount.percent"])}
                  aria-invalid={errorFor("discount.percent") ? true : undefined}
                  aria-describedby={id("percent-hint")}
                  className={inputClass.replace("w-full", "w-24")}
                />
                <span aria-hidden className="text-sm text-slate-500">
                  %
                </span>
              </div>
              <Hint id={id("percent-hint")} error={errorFor("discount.percent") && sentence("Percent", errorFor("discount.percent")!)}>
                From 1 to 90, of the cart&apos;s total.
              </Hint>
            </div>
          ) : (
            <div className="space-y-1.5">
              <label htmlFor={id("amount")} className="block text-sm font-medium">
                Amount off
              </label>
              <div className="flex gap-2">
                <input
                  id={id("amount")}
                  inputMode="decimal"
                  value={draft.amount}
                  onChange={(e) => onChange({ amount: e.target.value }, ["discount.amount"])}
                  aria-invalid={errorFor("discount.amount") ? true : undefined}
                  aria-describedby={id("amount-hint")}
                  className={inputClass.replace("w-full", "w-28")}
                />
                <select
                  id={id("currency")}
                  aria-label="Currency"
                  value={draft.currency}
                  onChange={(e) => onChange({ currency: e.target.value }, ["discount.amount", "discount.currency"])}
                  className={inputClass.replace("w-full", "w-24")}
                >
                  {CURRENCIES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </div>
              <Hint
                id={id("amount-hint")}
                error={(errorFor("discount.amount") && sentence("Amount", errorFor("discount.amount")!)) || (errorFor("discount.currency") && sentence("Currency", errorFor("discount.currency")!))}
              >
                Only carts in {draft.currency} get it; never more than the cart&apos;s total.
              </Hint>
            </div>
          )}
          <div className="space-y-1.5">
            <label htmlFor={id("validHours")} className="block text-sm font-medium">
              Code valid for
            </label>
            <div className="flex items-center gap-2">
              <input
                id={id("validHours")}
                type="number"
                inputMode="numeric"
                min={1}
                max={720}
                step={1}
                value={draft.validHours}
                onChange={(e) => onChange({ validHours: e.target.value }, ["discount.validHours"])}
                aria-invalid={errorFor("discount.validHours") ? true : undefined}
                aria-describedby={id("validHours-hint")}
                className={inputClass.replace("w-full", "w-24")}
              />
              <span className="text-sm text-slate-500 dark:text-slate-400">hours</span>
            </div>
            <Hint id={id("validHours-hint")} error={errorFor("discount.validHours") && sentence("Validity", errorFor("discount.validHours")!)}>
              After the email is sent.
            </Hint>
          </div>
        </div>
      )}
      <p className="text-xs text-slate-500 dark:text-slate-400">
        {draft.discount === "none"
          ? "The {{#discount}}…{{/discount}} section of the email is left out."
          : `Each email carries its own single-use code${label ? ` for ${label}` : ""}, applied automatically at checkout; put it in the email with {{#discount}}…{{/discount}}.`}
      </p>
    </fieldset>
  );
}

function Hint({ id, error, children }: { id: string; error?: string | false; children?: React.ReactNode }) {
  if (!error && !children) return <span id={id} hidden />;
  return (
    <p id={id} className={cx("text-xs", error ? "text-rose-700 dark:text-rose-300" : "text-slate-500 dark:text-slate-400")}>
      {error || children}
    </p>
  );
}

function ReadOnlyStep({ draft, index, businessName }: { draft: StepDraft; index: number; businessName: string }) {
  const preview = usePreview(draft, businessName);
  const input = toInput(draft);
  const label = discountLabel(draft);
  const n = index + 1;
  return (
    <li aria-labelledby={`step-${draft.key}-title`} className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h3 id={`step-${draft.key}-title`} className="text-sm font-semibold">
          Step {n} · {formatDelay(input.delayMinutes)} after abandonment
        </h3>
        {draft.enabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}
        {label && <Badge tone="blue">{label}, valid {draft.validHours} h</Badge>}
      </header>
      <div className="grid gap-6 p-4 lg:grid-cols-2">
        <dl className="min-w-0 space-y-4 text-sm">
          <div>
            <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Subject</dt>
            <dd className="mt-1 font-medium break-words">{draft.subject}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Body</dt>
            <dd className="mt-1">
              <pre className="max-h-[28rem] overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere] dark:bg-slate-800/60">
                {draft.body}
              </pre>
            </dd>
          </div>
        </dl>
        <div className="min-w-0">
          <EmailPreview subject={preview.subject} html={preview.html} text={preview.text} to="Jane Doe <jane@example.com>" label={`Preview of step ${n}`} />
        </div>
      </div>
    </li>
  );
}
