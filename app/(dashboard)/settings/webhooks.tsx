"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog, CopyButton } from "@/components/client-ui";
import { Badge, buttonClass, EmptyState, inputClass } from "@/components/ui";
import { useConfirmation } from "@/components/use-confirmation";
import { apiFetch, RequestError } from "@/lib/client/api";

/** One endpoint as the server rendered it: text only, never its secret. */
export type WebhookRow = {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  /** Set when disabled: why, and whether Cartback (not a person) did it. */
  disabled: { reason: string; bySystem: boolean; when: string; whenTitle: string } | null;
  /** Set while every delivery fails on an active endpoint. */
  failing: { since: string; sinceTitle: string; disablesAt: string } | null;
  /** After a rotation, until when the previous secret still signs. */
  previousSecretUntil: string | null;
  /** A Twig order callback URL (pushUrl, validationUrl): signed with the API key, made by the orders. */
  twig: boolean;
};

/** What each event means, for the subscription form. */
export const EVENT_HELP: Record<string, string> = {
  "cart.abandoned": "A cart was abandoned",
  "cart.recovered": "An abandoned cart was paid",
  "cart.expired": "An abandoned cart expired unpaid",
  "order.created": "An order was placed",
  "order.paid": "An order was paid",
  "order.completed": "An order was marked completed",
  "order.cancelled": "An order was cancelled",
  "order.refunded": "An order was refunded",
};

const errorText = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);
const path = (id: string, rest = "") => `/api/dashboard/webhooks/${encodeURIComponent(id)}${rest}`;

/** The signing secret, shown once after creation or rotation. */
function NewSecret({ secret, heading, children, onDone }: { secret: string; heading: string; children?: React.ReactNode; onDone: () => void }) {
  const id = useId();
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/50">
      <label htmlFor={`${id}-secret`} className="block text-sm font-medium text-amber-950 dark:text-amber-100">
        {heading}
      </label>
      <div className="mt-1.5 flex flex-col gap-2 sm:flex-row">
        <input
          id={`${id}-secret`}
          readOnly
          autoFocus
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={`${id}-warning`}
          className={inputClass + " min-w-0 flex-1 font-mono text-xs sm:text-sm"}
        />
        <div className="flex gap-2">
          <CopyButton value={secret} label="Copy secret" size="md" />
          <Button type="button" variant="ghost" onClick={onDone}>
            Done
          </Button>
        </div>
      </div>
      <div id={`${id}-warning`} className="mt-2 space-y-1 text-sm text-amber-900 dark:text-amber-200">
        <p className="flex gap-1.5">
          <span aria-hidden>⚠</span>
          <span>
            Copy this secret into your server’s configuration now — <strong>it won’t be shown again</strong>. Use it to check the signature of
            every webhook.
          </span>
        </p>
        {children}
      </div>
    </div>
  );
}

type Created = { webhook: { id: string; url: string }; secret: string };

/** Subscribes a URL to events; the signing secret is shown once, below the form. */
export function AddWebhookForm({ events }: { events: readonly string[] }) {
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [chosen, setChosen] = useState<string[]>([...events]);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [created, setCreated] = useState<Created | null>(null);

  const create = useMutation({
    mutationFn: (body: { url: string; events: string[]; description?: string }) => apiFetch<Created>("/api/dashboard/webhooks", { body }),
    onSuccess: (data) => {
      setCreated(data);
      setUrl("");
      setDescription("");
      setChosen([...events]);
      setFieldError(null);
      toast.success(`Endpoint ${data.webhook.url} added`);
      router.refresh();
    },
    onError: (error) => {
      const message = errorText(error, "Could not add the endpoint");
      if (error instanceof RequestError && error.field) setFieldError({ field: error.field.replace(/\[\d+\]$/, ""), message });
      toast.error(message);
    },
  });

  const errorFor = (field: string) => (fieldError?.field === field ? fieldError.message : null);
  const urlError = errorFor("url");
  const eventsError = errorFor("events");

  function toggle(event: string, on: boolean) {
    setChosen((current) => (on ? events.filter((e) => e === event || current.includes(e)) : current.filter((e) => e !== event)));
  }

  return (
    <div className="space-y-4">
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!url.trim()) {
            setFieldError({ field: "url", message: "Enter the URL Cartback should send events to" });
            toast.error("Enter the URL Cartback should send events to");
            return;
          }
          if (chosen.length === 0) {
            setFieldError({ field: "events", message: "Choose at least one event" });
            toast.error("Choose at least one event");
            return;
          }
          create.mutate({ url: url.trim(), events: chosen, ...(description.trim() ? { description: description.trim() } : {}) });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="space-y-1.5">
            <label htmlFor="webhook-url" className="block text-sm font-medium">
              Endpoint URL
            </label>
            <input
              id="webhook-url"
              name="url"
              type="url"
              inputMode="url"
              required
              maxLength={2048}
              autoComplete="off"
              spellCheck={false}
              placeholder="https://shop.example.com/webhooks/cartback"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={urlError ? true : undefined}
              aria-describedby={urlError ? "webhook-url-error" : "webhook-url-hint"}
              className={inputClass + " font-mono"}
            />
            {urlError ? (
              <p id="webhook-url-error" className="text-xs text-rose-700 dark:text-rose-400">
                {urlError}
              </p>
            ) : (
              <p id="webhook-url-hint" className="text-xs text-slate-500 dark:text-slate-400">
                A public address on your server. Private and internal addresses are refused.
              </p>
            )}
          </div>
          <div className="space-y-1.5">
            <label htmlFor="webhook-description" className="block text-sm font-medium">
              Description <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span>
            </label>
            <input
              id="webhook-description"
              name="description"
              maxLength={500}
              autoComplete="off"
              placeholder="e.g. Fulfilment system"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              className={inputClass}
            />
          </div>
        </div>

        <fieldset aria-describedby={eventsError ? "webhook-events-error" : undefined}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <legend className="text-sm font-medium">Events to send</legend>
            <div className="flex gap-1 text-xs">
              <button
                type="button"
                onClick={() => setChosen([...events])}
                className="rounded px-1.5 py-0.5 font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400"
              >
                Select all
              </button>
              <button
                type="button"
                onClick={() => setChosen([])}
                className="rounded px-1.5 py-0.5 font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400"
              >
                Clear
              </button>
            </div>
          </div>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {events.map((event) => {
              const id = `webhook-event-${event.replace(".", "-")}`;
              return (
                <label
                  key={event}
                  htmlFor={id}
                  className="flex cursor-pointer items-start gap-2.5 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50 has-[:checked]:border-brand-500/50 has-[:checked]:bg-brand-50/60 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 dark:border-slate-800 dark:hover:bg-slate-800/50 dark:has-[:checked]:border-blue-800 dark:has-[:checked]:bg-blue-950/30"
                >
                  <input
                    id={id}
                    type="checkbox"
                    name="events"
                    value={event}
                    checked={chosen.includes(event)}
                    onChange={(e) => toggle(event, e.target.checked)}
                    className="mt-0.5 size-4 shrink-0 accent-brand-600"
                  />
                  <span className="min-w-0">
                    <span className="block font-mono text-sm">{event}</span>
                    {EVENT_HELP[event] && <span className="block text-xs text-slate-500 dark:text-slate-400">{EVENT_HELP[event]}</span>}
                  </span>
                </label>
              );
            })}
          </div>
          {eventsError && (
            <p id="webhook-events-error" className="mt-1.5 text-xs text-rose-700 dark:text-rose-400">
              {eventsError}
            </p>
          )}
        </fieldset>

        <div className="flex justify-end">
          <Button type="submit" variant="primary" busy={create.isPending} className="w-full sm:w-auto">
            Add endpoint
          </Button>
        </div>
      </form>

      {created && (
        <NewSecret secret={created.secret} heading={`Signing secret for ${created.webhook.url}`} onDone={() => setCreated(null)}>
          <p>If you lose it, rotate the secret to get a new one.</p>
        </NewSecret>
      )}
    </div>
  );
}

type Pending = { kind: "rotate" | "delete"; row: WebhookRow };
type Rotated = { id: string; secret: string; previousSecretExpiresAt: string | null };
type TestResult = { status: "pending" | "delivered" | "failed"; responseCode: number | null; error: string | null };

/** The business's endpoints; admins also test, rotate, disable, enable and delete them. */
export function WebhookList({ webhooks, canManage }: { webhooks: WebhookRow[]; canManage: boolean }) {
  const router = useRouter();
  const confirm = useConfirmation<Pending>();
  const [rotated, setRotated] = useState<Rotated | null>(null);

  const rotate = useMutation({
    mutationFn: (row: WebhookRow) => apiFetch<Omit<Rotated, "id">>(path(row.id, "/rotate"), { body: {} }),
    onSuccess: (data, row) => {
      toast.success(`New signing secret for ${row.url}`);
      confirm.close();
      // After close() hands focus back to the button, so the new secret's field can take it.
      requestAnimationFrame(() => setRotated({ id: row.id, ...data }));
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not rotate the secret"));
      confirm.close();
      router.refresh();
    },
  });

  const remove = useMutation({
    mutationFn: (row: WebhookRow) => apiFetch(path(row.id), { method: "DELETE" }),
    onSuccess: (_data, row) => {
      toast.success(`Endpoint ${row.url} deleted`);
      confirm.close();
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not delete the endpoint"));
      confirm.close();
      router.refresh();
    },
  });

  if (webhooks.length === 0) {
    return (
      <EmptyState title="No webhook endpoints yet">
        {canManage
          ? "Add your server’s URL above and Cartback will POST signed events to it as carts and orders change."
          : "An admin can add one so your server hears about carts and orders as they change."}
      </EmptyState>
    );
  }

  const target = confirm.target;
  return (
    <>
      <ul aria-label="Webhook endpoints" className="-mx-4 divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {webhooks.map((row) => (
          <WebhookItem
            key={row.id}
            row={row}
            canManage={canManage}
            onAsk={(kind, from) => confirm.ask({ kind, row }, from)}
            rotated={rotated?.id === row.id ? rotated : null}
            onRotatedDone={() => setRotated(null)}
          />
        ))}
      </ul>

      {target?.kind === "rotate" && (
        <ConfirmDialog
          open
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          busy={rotate.isPending}
          onConfirm={() => rotate.mutate(target.row)}
          onClose={confirm.close}
        >
          <p>
            Cartback creates a new secret for <span className="font-mono break-all">{target.row.url}</span> and shows it once. For the next 24
            hours every webhook is signed with both the new and the old secret, so you can update your server without missing one.
          </p>
        </ConfirmDialog>
      )}
      {target?.kind === "delete" && (
        <ConfirmDialog
          open
          title="Delete this endpoint?"
          confirmLabel="Delete endpoint"
          variant="danger"
          busy={remove.isPending}
          onConfirm={() => remove.mutate(target.row)}
          onClose={confirm.close}
        >
          <p>
            <span className="font-mono break-all">{target.row.url}</span> stops receiving events at once, and its delivery log is deleted. This
            cannot be undone. To pause it instead, disable it.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function WebhookItem({
  row,
  canManage,
  onAsk,
  rotated,
  onRotatedDone,
}: {
  row: WebhookRow;
  canManage: boolean;
  onAsk: (kind: Pending["kind"], from: HTMLElement) => void;
  rotated: Rotated | null;
  onRotatedDone: () => void;
}) {
  const router = useRouter();

  const test = useMutation({
    mutationFn: () => apiFetch<TestResult>(path(row.id, "/test"), { body: {} }),
    onSuccess: (result) => {
      if (result.status === "delivered") toast.success(`Test event delivered: ${row.url} answered ${result.responseCode}`);
      else toast.error(`Test event failed: ${result.error ?? `${row.url} answered ${result.responseCode ?? "nothing"}`}`);
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not send the test event")),
  });

  const setStatus = useMutation({
    mutationFn: (status: "active" | "disabled") => apiFetch(path(row.id), { method: "PATCH", body: { status } }),
    onSuccess: (_data, status) => {
      toast.success(status === "active" ? `Endpoint enabled: events are sent to ${row.url} again` : `Endpoint disabled: no events are sent to ${row.url}`);
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not change the endpoint")),
  });

  return (
    <li className="space-y-3 px-4 py-4" data-testid="webhook-endpoint">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="font-mono text-sm font-medium break-all text-slate-900 dark:text-slate-100">{row.url}</p>
          {row.description && <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">{row.description}</p>}
        </div>
        <div className="shrink-0">
          {row.active ? <Badge tone="green">Active</Badge> : <Badge tone={row.disabled?.bySystem ? "red" : "slate"}>Disabled</Badge>}
        </div>
      </div>

      {row.twig && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          <Badge tone="slate">Twig callbacks</Badge> Status pushes and validation calls of Twig orders that name this URL, signed with
          the API key the order was made with.
        </p>
      )}

      <ul aria-label={`Events sent to ${row.url}`} className="flex flex-wrap gap-1.5">
        {row.events.map((event) => (
          <li key={event} className="rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
            {event}
          </li>
        ))}
      </ul>

      {row.disabled && (
        <p
          className={
            row.disabled.bySystem
              ? "rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:bg-rose-950/40 dark:text-rose-200"
              : "rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600 dark:bg-slate-800/60 dark:text-slate-300"
          }
        >
          {row.disabled.bySystem ? (
            <>
              <span className="font-medium">
                Disabled{row.disabled.when && <> <span title={row.disabled.whenTitle}>{row.disabled.when}</span></>}:
              </span>{" "}
              {row.disabled.reason}. Fix the endpoint, then enable it.
            </>
          ) : (
            <span className="font-medium">
              Disabled by your team{row.disabled.when && <> <span title={row.disabled.whenTitle}>{row.disabled.when}</span></>}.
            </span>
          )}{" "}
          No new events are sent to it while it is disabled; deliveries already queued go out once it is enabled.
        </p>
      )}

      {row.failing && (
        <p className="flex gap-1.5 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          <span aria-hidden>⚠</span>
          <span>
            <span className="font-medium">
              Failing since <span title={row.failing.sinceTitle}>{row.failing.since}</span>.
            </span>{" "}
            Every delivery since then has failed. If none succeeds, the endpoint is disabled on {row.failing.disablesAt}.
          </span>
        </p>
      )}

      {row.previousSecretUntil && !rotated && (
        <p className="text-xs text-slate-500 dark:text-slate-400">The previous signing secret also signs until {row.previousSecretUntil}.</p>
      )}

      {rotated && (
        <NewSecret secret={rotated.secret} heading={`New signing secret for ${row.url}`} onDone={onRotatedDone}>
          {rotated.previousSecretExpiresAt && <p>The old secret keeps signing for 24 hours, so update your server before then.</p>}
        </NewSecret>
      )}

      <div className="flex flex-wrap gap-2">
        <Link href={`/settings/webhooks/${encodeURIComponent(row.id)}`} aria-label={`Deliveries to ${row.url}`} className={buttonClass("secondary", "sm")}>
          Deliveries
        </Link>
        {canManage && (
          <>
            <Button type="button" size="sm" variant="secondary" busy={test.isPending} aria-label={`Send test event to ${row.url}`} onClick={() => test.mutate()}>
              Send test event
            </Button>
            {!row.twig && (
              <Button type="button" size="sm" variant="secondary" aria-label={`Rotate secret of ${row.url}`} onClick={(e) => onAsk("rotate", e.currentTarget)}>
                Rotate secret
              </Button>
            )}
            {row.active ? (
              <Button
                type="button"
                size="sm"
                variant="secondary"
                busy={setStatus.isPending}
                aria-label={`Disable ${row.url}`}
                onClick={() => setStatus.mutate("disabled")}
              >
                Disable
              </Button>
            ) : (
              <Button type="button" size="sm" variant="primary" busy={setStatus.isPending} aria-label={`Enable ${row.url}`} onClick={() => setStatus.mutate("active")}>
                Enable
              </Button>
            )}
            <Button
              type="button"
              size="sm"
              variant="secondary"
              aria-label={`Delete ${row.url}`}
              className="text-rose-700! dark:text-rose-400!"
              onClick={(e) => onAsk("delete", e.currentTarget)}
            >
              Delete
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
