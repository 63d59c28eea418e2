import { Card, Skeleton } from "@/components/ui";

/** One recovery email's shape while it loads: header, the preview, the details. */
export default function MessageLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <Skeleton className="h-4 w-44" />
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="space-y-2">
          <Skeleton className="h-3 w-56" />
          <Skeleton className="h-8 w-72 max-w-full" />
        </div>
        <Skeleton className="h-9 w-28" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-3 rounded-lg border border-slate-200 p-3 lg:col-span-2 dark:border-slate-800">
          <Skeleton className="h-4 w-64" />
          <Skeleton className="h-4 w-56" />
          <Skeleton className="h-[28rem] w-full" />
        </div>
        <Card title="Details">
          <div className="space-y-2">
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} className="h-3 w-full" />
            ))}
          </div>
        </Card>
      </div>
      <span className="sr-only" role="status">
        Loading the email…
      </span>
    </div>
  );
}
