import { Skeleton } from "@/components/ui";

/** The orders list's shape while it loads: header, status tabs, email search, rows. */
export default function OrdersLoading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <div className="mb-6 space-y-2">
        <Skeleton className="h-8 w-28" />
        <Skeleton className="h-4 w-full max-w-md" />
      </div>
      <div className="flex gap-4 overflow-hidden border-b border-slate-200 pb-2.5 dark:border-slate-800">
        {[12, 20, 24, 24, 22, 22].map((w, i) => (
          <div key={i} className="shrink-0" style={{ width: `${w * 4}px` }}>
            <Skeleton className="h-5" />
          </div>
        ))}
      </div>
      <div className="flex gap-2 sm:max-w-xl">
        <Skeleton className="h-9 flex-1 rounded-lg" />
        <Skeleton className="h-9 w-20 rounded-lg" />
      </div>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="hidden border-b border-slate-200 bg-slate-50 px-4 py-3 lg:block dark:border-slate-800 dark:bg-slate-800/40">
          <Skeleton className="h-3 w-full max-w-2xl" />
        </div>
        <div className="divide-y divide-slate-100 dark:divide-slate-800">
          {WIDTHS.map((w, i) => (
            <div
              key={i}
              className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-2 px-4 py-3.5 lg:grid-cols-[minmax(0,1fr)_7rem_7.5rem_4rem_8rem_9rem] lg:items-center"
            >
              <div className="space-y-1.5 [grid-area:1/1/3/2] lg:[grid-area:auto]">
                <div style={{ width: `${w}%` }}>
                  <Skeleton className="h-4" />
                </div>
                <div style={{ width: `${w + 12}%` }}>
                  <Skeleton className="h-3" />
                </div>
              </div>
              {/* In the table's column order for lg; below it, each piece sits in its card position. */}
              <Skeleton className="h-5 w-20 rounded-full [grid-area:3/1/4/2] lg:[grid-area:auto]" />
              <Skeleton className="hidden h-5 w-16 rounded-md lg:block" />
              <Skeleton className="h-3 w-10 justify-self-end [grid-area:2/2/3/3] lg:h-4 lg:w-6 lg:[grid-area:auto]" />
              <Skeleton className="h-4 w-16 justify-self-end [grid-area:1/2/2/3] lg:[grid-area:auto]" />
              <Skeleton className="h-3 w-20 justify-self-end [grid-area:3/2/4/3] lg:justify-self-auto lg:[grid-area:auto]" />
            </div>
          ))}
        </div>
      </div>
      <span className="sr-only" role="status">
        Loading orders…
      </span>
    </div>
  );
}

// Fixed widths, so server and client render the same skeleton.
const WIDTHS = [38, 52, 30, 46, 41, 55, 34, 48];
