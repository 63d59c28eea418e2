"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog } from "@/components/client-ui";
import { inputClass, type ButtonVariant } from "@/components/ui";
import { useConfirmation } from "@/components/use-confirmation";
import { apiFetch, RequestError } from "@/lib/client/api";

/**
 * The order page's actions. Each is one entry of ACTIONS (button, confirmation, staff API path,
 * toast); the server decides which ones the order offers, so capture and refund (Twig orders)
 * are entries here and routes there, not other components.
 */

export type OrderActionKey = "cancel" | "complete" | "capture" | "refund" | "void";

/** What is left of a Twig order's money, as decimal text of its currency ("120.00") and for people ("$120.00"). */
export type OrderMoneyLeft = { capturable: string; capturableLabel: string; refundable: string; refundableLabel: string };

type Context = { totalLabel: string; left: OrderMoneyLeft | null };

type ActionSpec = {
  label: string;
  buttonVariant: ButtonVariant;
  /** Extra classes of the page's button (e.g. a destructive tint on a secondary button). */
  buttonClass?: string;
  title: string;
  body: (ctx: Context) => React.ReactNode;
  confirmLabel: string;
  /** The dialog's dismiss button, when "Cancel" would be ambiguous. */
  dismissLabel?: string;
  confirmVariant: ButtonVariant;
  /** POST /api/dashboard/orders/{id}/{path} */
  path: string;
  /** Asks for an optional reason, sent as { reason }. */
  reason?: { label: string; hint: string; max: number };
  /** Asks for an amount, prefilled with what is left, sent as { amount: "12.50" }. */
  amount?: { label: string; prefill: (left: OrderMoneyLeft) => string; hint: (left: OrderMoneyLeft) => string };
  /** Sends one idempotency key per opened dialog as { key }, so a double click or retry moves money once. */
  idempotent?: boolean;
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
  capture: {
    label: "Capture payment",
    buttonVariant: "primary",
    title: "Capture payment",
    body: () => (
      <p>Charges the customer&apos;s card from what they authorized. Capture less to keep the rest authorized for a later capture. The merchant&apos;s server is told.</p>
    ),
    confirmLabel: "Capture payment",
    confirmVariant: "primary",
    path: "capture",
    amount: { label: "Amount to capture", prefill: (left) => left.capturable, hint: (left) => `Up to ${left.capturableLabel} is left to capture.` },
    idempotent: true,
    success: "Payment captured",
  },
  refund: {
    label: "Refund",
    buttonVariant: "secondary",
    title: "Refund payment",
    body: () => <p>Sends this amount back to the customer&apos;s card. A refund can&apos;t be undone. The merchant&apos;s server is told.</p>,
    confirmLabel: "Refund",
    dismissLabel: "Don't refund",
    confirmVariant: "danger",
    path: "refund",
    amount: { label: "Amount to refund", prefill: (left) => left.refundable, hint: (left) => `Up to ${left.refundableLabel} of what was captured can be refunded.` },
    idempotent: true,
    success: "Refund issued",
  },
  void: {
    label: "Cancel order",
    buttonVariant: "secondary",
    buttonClass: "text-rose-700! dark:text-rose-400!",
    title: "Cancel this order?",
    body: ({ totalLabel }) => (
      <p>
        The customer&apos;s authorization of {totalLabel}, if they made one, is released, so nothing is charged, and the merchant&apos;s server is told the order is
        cancelled. This can&apos;t be undone.
      </p>
    ),
    confirmLabel: "Cancel order",
    dismissLabel: "Keep order",
    confirmVariant: "danger",
    path: "cancel",
    reason: { label: "Reason", hint: "Optional, up to 500 characters. Sent to the merchant as the order's reason.", max: 500 },
    idempotent: true,
    success: "Order cancelled",
  },
};

const DECIMAL = /^\d+(?:\.\d+)?$/;

/** crypto.randomUUID needs a secure context; a self-hosted dashboard on plain http has only getRandomValues. */
function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Run = { action: OrderActionKey; reason: string; amount: string; key: string };

export function OrderActions({
  orderId,
  actions,
  totalLabel,
  left = null,
}: {
  orderId: string;
  actions: OrderActionKey[];
  totalLabel: string;
  left?: OrderMoneyLeft | null;
}) {
  const router = useRouter();
  const confirm = useConfirmation<OrderActionKey>();
  const [reason, setReason] = useState("");
  const [amount, setAmount] = useState("");
  const [amountError, setAmountError] = useState<string | null>(null);
  // One key per opened dialog: every send from this dialog is the same request to the server.
  const [key, setKey] = useState("");
  const reasonId = useId();
  const hintId = useId();
  const amountId = useId();
  const amountHintId = useId();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  // A dialog that asks for something starts in its field, not on its button.
  // (This effect runs after ConfirmDialog's, which opens the dialog.)
  useEffect(() => {
    if (!confirm.target) return;
    if (ACTIONS[confirm.target].amount) amountRef.current?.select();
    else if (ACTIONS[confirm.target].reason) reasonRef.current?.focus();
  }, [confirm.target]);
  const run = useMutation({
    mutationFn: ({ action, reason, amount, key }: Run) => {
      const spec = ACTIONS[action];
      const body: Record<string, string> = {};
      if (spec.reason && reason.trim()) body.reason = reason.trim();
      if (spec.amount) body.amount = amount.trim();
      if (spec.idempotent) body.key = key;
      return apiFetch<{ id: string; status: string }>(`/api/dashboard/orders/${encodeURIComponent(orderId)}/${spec.path}`, { method: "POST", body });
    },
    onSuccess: (_, { action }) => {
      toast.success(ACTIONS[action].success);
      confirm.close();
    },
    onError: (error, { action }) => {
      const message = error instanceof Error ? error.message : "Something went wrong";
      // A wrong amount keeps the dialog open to fix it (nothing was moved, so the key stays usable).
      if (ACTIONS[action].amount && error instanceof RequestError && error.field === "amount") {
        setAmountError(message);
        amountRef.current?.focus();
        return;
      }
      toast.error(message);
      confirm.close();
    },
    // Also after a failure: the order may have moved on meanwhile (paid, captured, expired), and the page should say so.
    onSettled: () => router.refresh(),
  });
  if (actions.length === 0) return null;
  const open = confirm.target ? ACTIONS[confirm.target] : null;

  function submit() {
    if (!confirm.target || !open) return;
    if (open.amount && !DECIMAL.test(amount.trim())) {
      setAmountError('Enter an amount like "12.50".');
      amountRef.current?.focus();
      return;
    }
    run.mutate({ action: confirm.target, reason, amount, key });
  }

  return (
    <>
      {actions.map((action) => {
        const spec = ACTIONS[action];
        return (
          <Button
            key={action}
            type="button"
            variant={spec.buttonVariant}
            className={spec.buttonClass}
            disabled={run.isPending}
            onClick={(e) => {
              setReason("");
              setAmount(spec.amount && left ? spec.amount.prefill(left) : "");
              setAmountError(null);
              setKey(newKey());
              confirm.ask(action, e.currentTarget);
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
          onConfirm={submit}
          onClose={confirm.close}
        >
          {open.body({ totalLabel, left })}
          {open.amount && (
            <div className="mt-4 space-y-1.5">
              <label htmlFor={amountId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
                {open.amount.label}
              </label>
              <input
                ref={amountRef}
                id={amountId}
                type="text"
                inputMode="decimal"
                autoComplete="off"
                value={amount}
                onChange={(e) => {
                  setAmount(e.target.value);
                  setAmountError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    submit();
                  }
                }}
                aria-invalid={amountError ? true : undefined}
                aria-describedby={amountHintId}
                className={inputClass + " tabular-nums"}
              />
              <p id={amountHintId} className={"text-xs " + (amountError ? "text-rose-700 dark:text-rose-300" : "text-slate-500 dark:text-slate-400")}>
                {amountError ?? (left ? open.amount.hint(left) : null)}
              </p>
            </div>
          )}
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
