import { Skeleton } from "@/components/ui";

/** The recovery emails list's shape while it loads: header, status tabs, rows. */
export default function MessagesLoading() {
  return (
    <div className="space-y-4" aria-busy="true">
      <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-2">
          <Skeleton className="h-8 w-52" />
          <Skeleton className="h-4 w-full max-w-xl" />
        </div>
        <Skeleton className="h-9 w-36" />
      </div>
      <div className="flex gap-4 overflow-hidden border-b border-slate-200 pb-2.5 dark:border-slate-800">
        {[12, 20, 16, 24, 18].map((w, i) => (
          <div key={i} className="shrink-0" style={{ width: `${w * 4}px` }}>
            <Skeleton className="h-5" />
          </div>
        ))}
      </div>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="hidden border-b border-slate-200 bg-slate-50 px-4 py-3 lg:block dark:border-slate-800 dark:bg-slate-800/40">
          <Skeleton className="h-3 w-full max-w-2xl" />
        </div>
        <div className="divide-y divide-slate-100 dark:divide-slate-800">
          {WIDTHS.map((w, i) => (
            <div key={i} className="flex items-center justify-between gap-4 px-4 py-3.5">
              <div className="min-w-0 flex-1 space-y-1.5">
                <div style={{ width: `${w}%` }}>
                  <Skeleton className="h-4" />
                </div>
                <div style={{ width: `${w + 15}%` }}>
                  <Skeleton className="h-3" />
                </div>
              </div>
              <Skeleton className="h-5 w-20 rounded-full" />
              <Skeleton className="hidden h-4 w-20 sm:block" />
            </div>
          ))}
        </div>
      </div>
      <span className="sr-only" role="status">
        Loading recovery emails…
      </span>
    </div>
  );
}

// Fixed widths, so server and client render the same skeleton.
const WIDTHS = [40, 52, 33, 47, 38, 55];
