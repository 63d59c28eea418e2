"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog } from "@/components/client-ui";
import { inputClass, type ButtonVariant } from "@/components/ui";
import { useConfirmation } from "@/components/use-confirmation";
import { apiFetch } from "@/lib/client/api";

/**
 * The order page's actions. Each is one entry of ACTIONS (button, confirmation, staff API path,
 * toast); the server decides which ones the order offers, so more (capture, refund for Twig
 * orders) are another entry and another route, not another component.
 */

export type OrderActionKey = "cancel" | "complete";

type ActionSpec = {
  label: string;
  buttonVariant: ButtonVariant;
  /** Extra classes of the page's button (e.g. a destructive tint on a secondary button). */
  buttonClass?: string;
  title: string;
  body: (ctx: { totalLabel: string }) => React.ReactNode;
  confirmLabel: string;
  /** The dialog's dismiss button, when "Cancel" would be ambiguous. */
  dismissLabel?: string;
  confirmVariant: ButtonVariant;
  /** POST /api/dashboard/orders/{id}/{path} */
  path: string;
  /** Asks for an optional reason, sent as { reason }. */
  reason?: { label: string; hint: string; max: number };
  success: string;
};

const ACTIONS: Record<OrderActionKey, ActionSpec> = {
  complete: {
    label: "Mark completed",
    buttonVariant: "primary",
    title: "Mark this order completed?",
    body: ({ totalLabel }) => <p>Do this once the order has been fulfilled. The customer paid {totalLabel}. A completed order can&apos;t be reopened.</p>,
    confirmLabel: "Mark completed",
    confirmVariant: "primary",
    path: "complete",
    success: "Order marked completed",
  },
  cancel: {
    label: "Cancel order",
    buttonVariant: "secondary",
    buttonClass: "text-rose-700! dark:text-rose-400!",
    title: "Cancel this order?",
    body: () => <p>Its checkout stops taking payments at once, so the customer can no longer pay for it. Nothing has been paid, so there is nothing to refund.</p>,
    confirmLabel: "Cancel order",
    dismissLabel: "Keep order",
    confirmVariant: "danger",
    path: "cancel",
    reason: { label: "Reason", hint: "Optional, up to 500 characters. Saved with the order.", max: 500 },
    success: "Order cancelled",
  },
};

export function OrderActions({ orderId, actions, totalLabel }: { orderId: string; actions: OrderActionKey[]; totalLabel: string }) {
  const router = useRouter();
  const confirm = useConfirmation<OrderActionKey>();
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const hintId = useId();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  // A dialog that asks for a reason starts in the reason box, not on its destructive button.
  // (This effect runs after ConfirmDialog's, which opens the dialog.)
  useEffect(() => {
    if (confirm.target && ACTIONS[confirm.target].reason) reasonRef.current?.focus();
  }, [confirm.target]);
  const run = useMutation({
    mutationFn: ({ key, reason }: { key: OrderActionKey; reason: string }) =>
      apiFetch<{ id: string; status: string }>(`/api/dashboard/orders/${encodeURIComponent(orderId)}/${ACTIONS[key].path}`, {
        method: "POST",
        body: ACTIONS[key].reason && reason.trim() ? { reason: reason.trim() } : {},
      }),
    onSuccess: (_, { key }) => toast.success(ACTIONS[key].success),
    onError: (error) => toast.error(error instanceof Error ? error.message : "Something went wrong"),
    onSettled: () => {
      confirm.close();
      // Also after a failure: the order may have moved on meanwhile (paid, expired), and the page should say so.
      router.refresh();
    },
  });
  if (actions.length === 0) return null;
  const open = confirm.target ? ACTIONS[confirm.target] : null;

  return (
    <>
      {actions.map((key) => {
        const spec = ACTIONS[key];
        return (
          <Button
            key={key}
            type="button"
            variant={spec.buttonVariant}
            className={spec.buttonClass}
            disabled={run.isPending}
            onClick={(e) => {
              setReason("");
              confirm.ask(key, e.currentTarget);
            }}
          >
            {spec.label}
          </Button>
        );
      })}
      {confirm.target && open && (
        <ConfirmDialog
          open
          title={open.title}
          confirmLabel={open.confirmLabel}
          cancelLabel={open.dismissLabel}
          variant={open.confirmVariant}
          busy={run.isPending}
          onConfirm={() => run.mutate({ key: confirm.target!, reason })}
          onClose={confirm.close}
        >
          {open.body({ totalLabel })}
          {open.reason && (
            <div className="mt-4 space-y-1.5">
              <label htmlFor={reasonId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
                {open.reason.label}
              </label>
              <textarea
                ref={reasonRef}
                id={reasonId}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={open.reason.max}
                rows={3}
                aria-describedby={hintId}
                placeholder="e.g. Customer asked to cancel"
                className={inputClass + " resize-y"}
              />
              <p id={hintId} className="flex justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
                <span>{open.reason.hint}</span>
                <span className="tabular-nums" aria-hidden>
                  {reason.length}/{open.reason.max}
                </span>
              </p>
            </div>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
