import { Card, Skeleton } from "@/components/ui";

/** The delivery log's shape while it loads: back link, endpoint header, replay form, deliveries. */
export default function WebhookDeliveriesLoading() {
  return (
    <div className="mx-auto max-w-4xl space-y-6" aria-busy="true" aria-label="Loading webhook deliveries">
      <Skeleton className="h-4 w-32" />
      <div className="space-y-2">
        <Skeleton className="h-3 w-36" />
        <div className="flex items-start justify-between gap-4">
          <Skeleton className="h-7 w-96 max-w-full" />
          <Skeleton className="h-5 w-16 shrink-0 rounded-full" />
        </div>
        <div className="flex flex-wrap gap-1.5">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-5 w-24" />
          ))}
        </div>
      </div>
      <Card title="Replay failed deliveries">
        <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
          {[0, 1].map((i) => (
            <div key={i} className="space-y-2">
              <Skeleton className="h-4 w-24" />
              <Skeleton className="h-9 w-full" />
            </div>
          ))}
          <Skeleton className="h-9 w-48" />
        </div>
        <Skeleton className="mt-3 h-3 w-full" />
      </Card>
      <div className="space-y-3">
        <Skeleton className="h-4 w-24" />
        <div className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {[0, 1, 2, 3, 4].map((i) => (
            <div key={i} className="space-y-3 px-4 py-3">
              <div className="flex items-center gap-3">
                <Skeleton className="h-4 w-32" />
                <Skeleton className="h-5 w-20 rounded-full" />
                <Skeleton className="h-4 w-20" />
                <Skeleton className="ml-auto h-8 w-20" />
              </div>
              <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
                {[0, 1, 2, 3].map((j) => (
                  <div key={j} className="space-y-1.5">
                    <Skeleton className="h-3 w-16" />
                    <Skeleton className="h-4 w-20" />
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
