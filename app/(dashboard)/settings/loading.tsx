import { Card, Skeleton } from "@/components/ui";

export default function SettingsLoading() {
  return (
    <div className="mx-auto max-w-4xl" aria-busy="true" aria-label="Loading settings">
      <div className="mb-6 space-y-2">
        <Skeleton className="h-8 w-36" />
        <Skeleton className="h-4 w-64 max-w-full" />
      </div>
      <div className="space-y-6">
        <Card title="Business">
          <div className="grid gap-5 sm:grid-cols-2">
            {[0, 1].map((i) => (
              <div key={i} className="space-y-2">
                <Skeleton className="h-4 w-28" />
                <Skeleton className="h-9 w-full" />
              </div>
            ))}
          </div>
          <div className="mt-5 space-y-2">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-9 w-64 max-w-full" />
          </div>
          <div className="mt-5 flex justify-end border-t border-slate-200 pt-4 dark:border-slate-800">
            <Skeleton className="h-9 w-32" />
          </div>
        </Card>
        <Card title="API keys">
          <Skeleton className="h-4 w-full" />
          <div className="mt-4 flex flex-col gap-3 sm:flex-row">
            <Skeleton className="h-9 flex-1" />
            <Skeleton className="h-9 w-36" />
          </div>
          <div className="mt-5 space-y-3">
            {[0, 1].map((i) => (
              <div key={i} className="flex items-center justify-between gap-4">
                <Skeleton className="h-4 w-40" />
                <Skeleton className="hidden h-4 w-24 sm:block" />
                <Skeleton className="h-5 w-16 rounded-full" />
              </div>
            ))}
          </div>
        </Card>
        <Card title="Webhooks">
          <Skeleton className="h-4 w-full" />
          <Skeleton className="mt-2 h-4 w-2/3" />
          <div className="mt-5 space-y-4">
            {[0, 1].map((i) => (
              <div key={i} className="space-y-2">
                <div className="flex items-center justify-between gap-4">
                  <Skeleton className="h-4 w-72 max-w-full" />
                  <Skeleton className="h-5 w-16 rounded-full" />
                </div>
                <div className="flex flex-wrap gap-1.5">
                  {[0, 1, 2].map((j) => (
                    <Skeleton key={j} className="h-5 w-24" />
                  ))}
                </div>
                <div className="flex flex-wrap gap-2">
                  {[0, 1, 2].map((j) => (
                    <Skeleton key={j} className="h-8 w-28" />
                  ))}
                </div>
              </div>
            ))}
          </div>
        </Card>
        <Card title="Team">
          <div className="space-y-4">
            {[0, 1, 2].map((i) => (
              <div key={i} className="flex items-center gap-3">
                <Skeleton className="size-9 shrink-0 rounded-full" />
                <div className="flex-1 space-y-2">
                  <Skeleton className="h-4 w-40" />
                  <Skeleton className="h-3 w-56 max-w-full" />
                </div>
                <Skeleton className="h-8 w-24" />
              </div>
            ))}
          </div>
        </Card>
      </div>
    </div>
  );
}
