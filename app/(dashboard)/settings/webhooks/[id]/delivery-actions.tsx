"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/client-ui";
import { inputClass } from "@/components/ui";
import { apiFetch, RequestError } from "@/lib/client/api";

const errorText = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);
const base = (endpointId: string) => `/api/dashboard/webhooks/${encodeURIComponent(endpointId)}`;

/** Queues one delivery again, now. */
export function ReplayButton({ endpointId, deliveryId, label, endpointActive }: { endpointId: string; deliveryId: string; label: string; endpointActive: boolean }) {
  const router = useRouter();
  const replay = useMutation({
    mutationFn: () => apiFetch(`${base(endpointId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`, { body: {} }),
    onSuccess: () => {
      toast.success(endpointActive ? "Delivery queued: it is sent again within seconds" : "Delivery queued: it is sent once the endpoint is enabled");
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not replay the delivery")),
  });
  return (
    <Button type="button" size="sm" variant="secondary" busy={replay.isPending} aria-label={`Replay ${label}`} onClick={() => replay.mutate()}>
      Replay
    </Button>
  );
}

/** A datetime-local value ("2026-03-01T10:00") is read as UTC, as the labels say. */
const asUtc = (value: string) => (value ? `${value}Z` : undefined);

/** Queues again every failed delivery created in a range (UTC). */
export function ReplayFailedForm({ endpointId, endpointActive, failedTotal }: { endpointId: string; endpointActive: boolean; failedTotal: number }) {
  const router = useRouter();
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);

  const replay = useMutation({
    mutationFn: (body: { since?: string; until?: string }) => apiFetch<{ replayed: number }>(`${base(endpointId)}/replay`, { body }),
    onSuccess: ({ replayed }) => {
      setFieldError(null);
      if (replayed === 0) toast("No failed deliveries in that range");
      else {
        const what = replayed === 1 ? "1 failed delivery" : `${replayed} failed deliveries`;
        toast.success(endpointActive ? `${what} queued again` : `${what} queued; they are sent once the endpoint is enabled`);
      }
      router.refresh();
    },
    onError: (error) => {
      const message = errorText(error, "Could not replay the deliveries");
      if (error instanceof RequestError && error.field) setFieldError({ field: error.field, message });
      toast.error(message);
    },
  });

  const describedBy = (field: string) => (fieldError?.field === field ? `replay-${field}-error replay-range-hint` : "replay-range-hint");

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (since && until && until <= since) {
          setFieldError({ field: "until", message: "“To” must be later than “From”" });
          toast.error("“To” must be later than “From”");
          return;
        }
        replay.mutate({ since: asUtc(since), until: asUtc(until) });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end">
        <div className="space-y-1.5">
          <label htmlFor="replay-since" className="block text-sm font-medium">
            From (UTC)
          </label>
          <input
            id="replay-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            aria-invalid={fieldError?.field === "since" || undefined}
            aria-describedby={describedBy("since")}
            className={inputClass}
          />
          {fieldError?.field === "since" && (
            <p id="replay-since-error" className="text-xs text-rose-700 dark:text-rose-400">
              {fieldError.message}
            </p>
          )}
        </div>
        <div className="space-y-1.5">
          <label htmlFor="replay-until" className="block text-sm font-medium">
            To (UTC)
          </label>
          <input
            id="replay-until"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            aria-invalid={fieldError?.field === "until" || undefined}
            aria-describedby={describedBy("until")}
            className={inputClass}
          />
          {fieldError?.field === "until" && (
            <p id="replay-until-error" className="text-xs text-rose-700 dark:text-rose-400">
              {fieldError.message}
            </p>
          )}
        </div>
        <Button type="submit" variant="primary" busy={replay.isPending} disabled={failedTotal === 0} className="w-full sm:w-auto">
          Replay failed deliveries
        </Button>
      </div>
      <p id="replay-range-hint" className="text-xs text-slate-500 dark:text-slate-400">
        Times are in UTC. Failed deliveries created from “From” up to (not including) “To” are sent again with a fresh retry schedule; leave
        a field empty for no limit.{" "}
        {failedTotal === 0
          ? "This endpoint has no failed deliveries right now."
          : `This endpoint has ${failedTotal === 1 ? "1 failed delivery" : `${failedTotal} failed deliveries`} in all.`}
      </p>
    </form>
  );
}

/** Re-enables an endpoint from its delivery log. */
export function EnableEndpointButton({ endpointId, url }: { endpointId: string; url: string }) {
  const router = useRouter();
  const enable = useMutation({
    mutationFn: () => apiFetch(base(endpointId), { method: "PATCH", body: { status: "active" } }),
    onSuccess: () => {
      toast.success(`Endpoint enabled: events are sent to ${url} again`);
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not enable the endpoint")),
  });
  return (
    <Button type="button" size="sm" variant="primary" busy={enable.isPending} onClick={() => enable.mutate()}>
      Enable endpoint
    </Button>
  );
}
