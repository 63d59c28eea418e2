"use client";

import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Toaster } from "sonner";
import { apiFetch } from "@/lib/client/api";

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } }));
  return (
    <QueryClientProvider client={client}>
      {children}
      <LiveRefresh />
      <Toaster richColors closeButton position="top-right" theme="system" />
    </QueryClientProvider>
  );
}

const POLL_MS = 3000;

/**
 * Keeps an open dashboard current: polls the business's latest event number and re-renders the
 * server components when it moves (a webhook recovered a cart, a colleague sent a link…).
 */
function LiveRefresh() {
  const router = useRouter();
  const seen = useRef<number | undefined>(undefined);
  const { data } = useQuery({
    queryKey: ["changes"],
    queryFn: () => apiFetch<{ seq: number }>("/api/dashboard/changes"),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
  useEffect(() => {
    if (data === undefined) return;
    if (seen.current !== undefined && data.seq !== seen.current) router.refresh();
    seen.current = data.seq;
  }, [data, router]);
  return null;
}
