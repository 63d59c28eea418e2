import { Card, Skeleton } from "@/components/ui";

/** The Overview's shape while its figures load: header and period picker, five figures, the chart. */
export default function OverviewLoading() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading the overview">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-2">
          <Skeleton className="h-8 w-36" />
          <Skeleton className="h-4 w-48" />
        </div>
        <Skeleton className="h-9 w-full rounded-lg sm:w-80" />
      </div>
      <div className="grid gap-3 sm:gap-4 lg:grid-cols-5">
        <div className="grid grid-cols-3 gap-3 sm:gap-4 lg:col-span-3">
          {[0, 1, 2].map((i) => (
            <StatSkeleton key={i} />
          ))}
        </div>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:col-span-2">
          {[0, 1].map((i) => (
            <StatSkeleton key={i} />
          ))}
        </div>
      </div>
      <Card title="Abandoned vs recovered per day">
        <div className="flex items-center justify-between gap-3">
          <Skeleton className="h-4 w-44" />
          <Skeleton className="h-8 w-40 rounded-lg" />
        </div>
        <div className="mt-3 flex h-64 items-end gap-1 sm:h-72 sm:gap-1.5" aria-hidden>
          {BARS.map((h, i) => (
            <div key={i} className="flex-1" style={{ height: `${h}%` }}>
              <Skeleton className="h-full rounded-b-none" />
            </div>
          ))}
        </div>
        <Skeleton className="mt-3 h-3 w-72 max-w-full" />
      </Card>
      <span className="sr-only" role="status">
        Loading the overview…
      </span>
    </div>
  );
}

// Fixed heights, so server and client render the same skeleton.
const BARS = [35, 52, 44, 60, 38, 71, 55, 48, 66, 40, 58, 75, 50, 62, 45, 69, 53, 41, 64, 57];

function StatSkeleton() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 dark:border-slate-800 dark:bg-slate-900">
      <Skeleton className="h-3 w-16" />
      <Skeleton className="mt-2 h-7 w-20 max-w-full" />
      <Skeleton className="mt-2 h-3 w-12" />
    </div>
  );
}
