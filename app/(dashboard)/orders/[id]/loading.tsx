import { Card, Skeleton } from "@/components/ui";

/** The order page's shape while it loads: header with actions, items and totals, timeline, side cards. */
export default function OrderLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <Skeleton className="h-4 w-28" />
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="space-y-2">
          <Skeleton className="h-3 w-48" />
          <Skeleton className="h-8 w-56" />
          <Skeleton className="h-4 w-72 max-w-full" />
        </div>
        <Skeleton className="h-9 w-32" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title="Items">
            <div className="space-y-4">
              {[0, 1].map((i) => (
                <div key={i} className="flex items-center gap-3">
                  <Skeleton className="size-14 shrink-0 rounded-lg" />
                  <div className="flex-1 space-y-2">
                    <Skeleton className="h-4 w-2/3" />
                    <Skeleton className="h-3 w-1/3" />
                  </div>
                  <Skeleton className="h-4 w-16" />
                </div>
              ))}
              <div className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800">
                {[0, 1, 2].map((i) => (
                  <div key={i} className="flex justify-between">
                    <Skeleton className="h-3 w-20" />
                    <Skeleton className="h-3 w-14" />
                  </div>
                ))}
              </div>
            </div>
          </Card>
          <Card title="Timeline">
            <div className="space-y-4">
              {[0, 1, 2, 3].map((i) => (
                <div key={i} className="flex justify-between gap-4">
                  <Skeleton className="h-4 w-48" />
                  <Skeleton className="h-3 w-28" />
                </div>
              ))}
            </div>
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Payment">
            <Skeleton className="h-6 w-24" />
            <Skeleton className="mt-2 h-3 w-40" />
          </Card>
          <Card title="Customer">
            <div className="space-y-2">
              <Skeleton className="h-4 w-32" />
              <Skeleton className="h-3 w-48" />
              <Skeleton className="mt-3 h-3 w-40" />
            </div>
          </Card>
          <Card title="Details">
            <div className="space-y-2">
              {[0, 1, 2, 3].map((i) => (
                <Skeleton key={i} className="h-3 w-full" />
              ))}
            </div>
          </Card>
        </div>
      </div>
      <span className="sr-only" role="status">
        Loading the order…
      </span>
    </div>
  );
}
