"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonClass, inputClass } from "@/components/ui";
import { cartsHref, CART_SORTS, isCartSort, MAX_QUERY_LENGTH, SORT_LABELS, type CartSort } from "@/lib/carts/list-url";
import type { CartStatus } from "@/db/schema";

/**
 * Search box and sort order of the carts list. A plain GET form, so it works before (or without)
 * JavaScript; with it, the form navigates in place and the sort applies as soon as it changes.
 * Cursors are dropped: a new search or sort starts at the first page.
 */
export function CartFilters({ status, q, sort }: { status?: CartStatus; q?: string; sort: CartSort }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [text, setText] = useState(q ?? "");
  const [order, setOrder] = useState<CartSort>(sort);
  // Follow the URL when it changes from elsewhere (a tab, "Clear filters", back/forward),
  // without remounting the input, so focus stays put after a search.
  const [shown, setShown] = useState({ q, sort });
  if (shown.q !== q || shown.sort !== sort) {
    setShown({ q, sort });
    setText(q ?? "");
    setOrder(sort);
  }

  function go(next: { q: string; sort: CartSort }) {
    startTransition(() => router.push(cartsHref({ status, ...next })));
  }

  return (
    <form
      action="/carts"
      method="get"
      role="search"
      aria-label="Filter carts"
      onSubmit={(event) => {
        event.preventDefault();
        go({ q: text, sort: order });
      }}
      className="flex flex-col gap-2 sm:flex-row sm:items-center"
    >
      {status && <input type="hidden" name="status" value={status} />}
      <div className="flex min-w-0 flex-1 gap-2 sm:max-w-xl">
        <div className="relative min-w-0 flex-1">
          <label htmlFor="cart-search" className="sr-only">
            Search carts
          </label>
          <svg
            aria-hidden
            viewBox="0 0 20 20"
            fill="currentColor"
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
          >
            <path
              fillRule="evenodd"
              d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.58 3.58a.75.75 0 1 1-1.06 1.06l-3.58-3.58A7 7 0 0 1 2 9Z"
              clipRule="evenodd"
            />
          </svg>
          <input
            id="cart-search"
            type="search"
            name="q"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Email or name"
            maxLength={MAX_QUERY_LENGTH}
            autoComplete="off"
            spellCheck={false}
            enterKeyHint="search"
            className={inputClass + " pl-9"}
          />
        </div>
        <button type="submit" className={buttonClass("secondary")} aria-busy={pending || undefined}>
          {pending && <span aria-hidden className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />}
          Search
        </button>
      </div>
      <div className="flex items-center gap-2 sm:ml-auto">
        <label htmlFor="cart-sort" className="text-sm whitespace-nowrap text-slate-600 dark:text-slate-400">
          Sort by
        </label>
        <div className="relative min-w-0 flex-1 sm:flex-none">
          <select
            id="cart-sort"
            name="sort"
            value={order}
            onChange={(event) => {
              const value = event.target.value;
              if (!isCartSort(value)) return;
              setOrder(value);
              // The applied search, not a half-typed one: changing the order is not a search.
              go({ q: q ?? "", sort: value });
            }}
            className="block w-full appearance-none rounded-lg border border-slate-300 bg-white py-2 pr-9 pl-3 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          >
            {CART_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
          <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-slate-400">
            <path fillRule="evenodd" d="M5.22 8.22a.75.75 0 0 1 1.06 0L10 11.94l3.72-3.72a.75.75 0 1 1 1.06 1.06l-4.25 4.25a.75.75 0 0 1-1.06 0L5.22 9.28a.75.75 0 0 1 0-1.06Z" clipRule="evenodd" />
          </svg>
        </div>
      </div>
    </form>
  );
}
