"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog, CopyButton } from "@/components/client-ui";
import { inputClass, type ButtonVariant } from "@/components/ui";
import { useConfirmation } from "@/components/use-confirmation";
import { apiFetch } from "@/lib/client/api";

/**
 * The cart page's controls: the payment link panel and the status actions. Everything they show
 * is formatted on the server; they only call the staff API and refresh the page.
 */

type Confirmation = {
  title: string;
  body: React.ReactNode;
  variant: ButtonVariant;
  run: () => void;
};

function useCartMutation<V, T>(fn: (variables: V) => Promise<T>, success: (data: T) => void, done: () => void) {
  const router = useRouter();
  return useMutation({
    mutationFn: fn,
    onSuccess: (data) => {
      success(data);
      router.refresh();
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : "Something went wrong"),
    onSettled: done,
  });
}

export type LinkPanelProps = {
  cartId: string;
  canChange: boolean;
  /** Only active and abandoned carts can take a payment link. */
  linkable: boolean;
  /** Why a link cannot be generated, when not linkable. */
  notLinkableReason: string | null;
  link: {
    url: string;
    expired: boolean;
    expiresLabel: string;
    expiresIso: string;
    openCount: number;
    lastOpenedLabel: string | null;
    createdBy: string;
  } | null;
};

type LinkAnswer = { paymentLink: string; expiresAt: string; created: boolean };

export function LinkPanel({ cartId, canChange, linkable, notLinkableReason, link }: LinkPanelProps) {
  const inputId = useId();
  const hintId = useId();
  const confirm = useConfirmation<Confirmation>();
  const path = `/api/dashboard/carts/${encodeURIComponent(cartId)}/link`;

  const generate = useCartMutation(
    (rotate: boolean) => apiFetch<LinkAnswer>(path, { method: "POST", body: rotate ? { rotate: true } : {} }),
    (data) => {
      toast.success(link && !link.expired ? "Payment link replaced" : "Payment link ready", {
        description: "Copy it and send it to the customer.",
        action: {
          label: "Copy",
          onClick: () =>
            navigator.clipboard.writeText(data.paymentLink).then(
              () => toast.success("Copied to the clipboard"),
              () => toast.error("Could not copy; select the link and copy it by hand"),
            ),
        },
      });
    },
    () => {
      if (confirm.target) confirm.close();
    },
  );
  const revoke = useCartMutation(
    (_: void) => apiFetch(path, { method: "DELETE" }),
    () => toast.success("Payment link revoked"),
    () => {
      if (confirm.target) confirm.close();
    },
  );
  const busy = generate.isPending || revoke.isPending;
  const live = link && !link.expired ? link : null;

  if (!linkable) {
    return (
      <div className="space-y-2 text-sm">
        <p className="text-slate-600 dark:text-slate-300">{notLinkableReason}</p>
        {link && link.openCount > 0 && (
          <p className="text-slate-500 dark:text-slate-400">
            Its last link was opened {times(link.openCount)}
            {link.lastOpenedLabel && <> (last on {link.lastOpenedLabel})</>}.
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {live ? (
        <div className="space-y-1.5">
          <label htmlFor={inputId} className="block text-sm font-medium">
            Payment link
          </label>
          <div className="flex gap-2">
            <input
              id={inputId}
              readOnly
              value={live.url}
              aria-describedby={hintId}
              onFocus={(e) => e.currentTarget.select()}
              className={inputClass + " min-w-0 flex-1 font-mono text-xs"}
            />
            <CopyButton value={live.url} size="md" />
          </div>
          <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
            Expires <time dateTime={live.expiresIso}>{live.expiresLabel}</time> · opened {times(live.openCount)}
            {live.lastOpenedLabel && <>, last on {live.lastOpenedLabel}</>} · made by {live.createdBy === "staff" ? "staff" : "the API"}
          </p>
        </div>
      ) : (
        <div className="rounded-lg border border-dashed border-slate-300 px-4 py-5 text-center text-sm dark:border-slate-700">
          <p className="font-medium">{link?.expired ? "The payment link has expired" : "No payment link yet"}</p>
          <p className="mt-1 text-slate-500 dark:text-slate-400">
            {link?.expired
              ? `It stopped working on ${link.expiresLabel}.${canChange ? " Generate a new one to send the customer." : ""}`
              : canChange
                ? "Generate a link the customer can pay this cart with. It keeps working until it expires or you revoke it."
                : "An agent or admin can generate one for the customer."}
          </p>
        </div>
      )}

      {canChange && (
        <div className="flex flex-wrap gap-2">
          {live ? (
            <>
              <Button
                type="button"
                variant="secondary"
                disabled={busy}
                onClick={(e) =>
                  confirm.ask(
                    {
                      title: "Replace the payment link?",
                      body: "The current link stops working at once and a new one is made. Send the customer the new link.",
                      variant: "primary",
                      run: () => generate.mutate(true),
                    },
                    e.currentTarget,
                  )
                }
              >
                Rotate link
              </Button>
              <Button
                type="button"
                variant="ghost"
                className="text-rose-700! dark:text-rose-400!"
                disabled={busy}
                onClick={(e) =>
                  confirm.ask(
                    {
                      title: "Revoke the payment link?",
                      body: "The customer will no longer be able to pay with it; opening it will say it is no longer active. You can generate a new link later.",
                      variant: "danger",
                      run: () => revoke.mutate(),
                    },
                    e.currentTarget,
                  )
                }
              >
                Revoke link
              </Button>
            </>
          ) : (
            <Button type="button" variant="primary" busy={generate.isPending} onClick={() => generate.mutate(false)}>
              Generate payment link
            </Button>
          )}
        </div>
      )}

      {confirm.target && (
        <ConfirmDialog
          open
          title={confirm.target.title}
          confirmLabel="Confirm"
          variant={confirm.target.variant}
          busy={busy}
          onConfirm={confirm.target.run}
          onClose={confirm.close}
        >
          {confirm.target.body}
        </ConfirmDialog>
      )}
    </div>
  );
}

export type StatusActionsProps = {
  cartId: string;
  canRecover: boolean;
  canExpire: boolean;
  /** The cart's total, formatted, for the confirmation text. */
  totalLabel: string;
};

export function StatusActions({ cartId, canRecover, canExpire, totalLabel }: StatusActionsProps) {
  const confirm = useConfirmation<Confirmation>();
  const mark = useCartMutation(
    (status: "recovered" | "expired") =>
      apiFetch<{ id: string; status: string }>(`/api/dashboard/carts/${encodeURIComponent(cartId)}/status`, { method: "POST", body: { status } }),
    (data) => toast.success(data.status === "recovered" ? "Cart marked recovered" : "Cart marked expired"),
    () => {
      if (confirm.target) confirm.close();
    },
  );
  if (!canRecover && !canExpire) return null;

  return (
    <>
      {canRecover && (
        <Button
          type="button"
          variant="secondary"
          disabled={mark.isPending}
          onClick={(e) =>
            confirm.ask(
              {
                title: "Mark this cart recovered?",
                body: `Use this when the customer paid outside Cartback. The cart counts as ${totalLabel} recovered and can't be changed afterwards.`,
                variant: "primary",
                run: () => mark.mutate("recovered"),
              },
              e.currentTarget,
            )
          }
        >
          Mark recovered
        </Button>
      )}
      {canExpire && (
        <Button
          type="button"
          variant="secondary"
          disabled={mark.isPending}
          onClick={(e) =>
            confirm.ask(
              {
                title: "Mark this cart expired?",
                body: "Its payment link is revoked at once, so the customer can no longer pay for it.",
                variant: "danger",
                run: () => mark.mutate("expired"),
              },
              e.currentTarget,
            )
          }
        >
          Mark expired
        </Button>
      )}
      {confirm.target && (
        <ConfirmDialog
          open
          title={confirm.target.title}
          confirmLabel="Confirm"
          variant={confirm.target.variant}
          busy={mark.isPending}
          onConfirm={confirm.target.run}
          onClose={confirm.close}
        >
          {confirm.target.body}
        </ConfirmDialog>
      )}
    </>
  );
}

function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}
