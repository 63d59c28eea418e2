import { Card, Skeleton } from "@/components/ui";

/** The recovery page's shape while it loads: header, settings, then steps with their previews. */
export default function RecoveryLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="space-y-2">
          <Skeleton className="h-8 w-36" />
          <Skeleton className="h-4 w-full max-w-xl" />
        </div>
        <Skeleton className="h-9 w-32" />
      </div>
      <Card title="Settings">
        <Skeleton className="mb-5 h-9 w-full" />
        <Skeleton className="h-5 w-48" />
        <div className="mt-5 grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="space-y-2">
              <Skeleton className="h-4 w-28" />
              <Skeleton className="h-9 w-full" />
            </div>
          ))}
        </div>
      </Card>
      <div className="space-y-2">
        <Skeleton className="h-6 w-28" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      {[0, 1, 2].map((i) => (
        <div key={i} className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <div className="flex justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-800">
            <Skeleton className="h-4 w-16" />
            <Skeleton className="h-6 w-40" />
          </div>
          <div className="grid gap-6 p-4 lg:grid-cols-2">
            <div className="space-y-4">
              <Skeleton className="h-9 w-56" />
              <Skeleton className="h-9 w-full" />
              <Skeleton className="h-56 w-full" />
            </div>
            <Skeleton className="h-80 w-full" />
          </div>
        </div>
      ))}
      <span className="sr-only" role="status">
        Loading the recovery sequence…
      </span>
    </div>
  );
}
