"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonClass, inputClass } from "@/components/ui";
import { MAX_EMAIL_LENGTH, ordersHref } from "@/lib/orders/list-url";
import type { TorqueStatus } from "@/lib/orders/status";

/**
 * The orders list's search by customer email (an exact address, case-insensitive). A plain GET
 * form, so it works without JavaScript; with it, the form navigates in place. A new search
 * starts at the first page and keeps the status tab.
 */
export function OrderFilters({ status, email }: { status?: TorqueStatus; email?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [text, setText] = useState(email ?? "");
  // Follow the URL when it changes from elsewhere (a tab, "Clear filters", back/forward).
  const [shown, setShown] = useState(email);
  if (shown !== email) {
    setShown(email);
    setText(email ?? "");
  }

  return (
    <form
      action="/orders"
      method="get"
      role="search"
      aria-label="Filter orders"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(() => router.push(ordersHref({ status, email: text.trim().toLowerCase() })));
      }}
      className="flex min-w-0 gap-2 sm:max-w-xl"
    >
      {status && <input type="hidden" name="status" value={status} />}
      <div className="relative min-w-0 flex-1">
        <label htmlFor="order-email" className="sr-only">
          Customer email
        </label>
        <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400">
          <path
            fillRule="evenodd"
            d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.58 3.58a.75.75 0 1 1-1.06 1.06l-3.58-3.58A7 7 0 0 1 2 9Z"
            clipRule="evenodd"
          />
        </svg>
        <input
          id="order-email"
          type="search"
          name="email"
          inputMode="email"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="Customer email (full address)"
          maxLength={MAX_EMAIL_LENGTH}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          enterKeyHint="search"
          className={inputClass + " pl-9"}
        />
      </div>
      <button type="submit" className={buttonClass("secondary")} aria-busy={pending || undefined}>
        {pending && <span aria-hidden className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />}
        Search
      </button>
    </form>
  );
}
