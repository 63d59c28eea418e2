import { randomInt } from "node:crypto";

/** What one request was sent with and how it ended. */
export type Outcome = {
  start: number;
  end: number;
  /** HTTP status, "timeout" (no answer within the request timeout) or "conn" (refused/reset). */
  status: number | "timeout" | "conn";
  retryAfter?: string;
  /** Set for an acknowledged cart (201). */
  cartId?: string;
  expected: { itemCount: number; totalMinor: bigint; lines: number; email: string };
  error?: string;
};

export type Load = {
  outcomes: Outcome[];
  /** Stops sending, waits for the requests in flight, returns everything recorded. */
  stop: () => Promise<Outcome[]>;
};

/** A random cart: 1–3 items, 1–3 of each, prices in cents sent as decimal strings. */
function randomCart(seq: number) {
  const lines = randomInt(1, 4);
  const lineItems = Array.from({ length: lines }, (_, i) => ({ name: `Fault item ${seq}-${i}`, quantity: randomInt(1, 4), cents: randomInt(1, 100_000) }));
  const items = lineItems.map(({ name, quantity, cents }) => ({ name, quantity, price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}` }));
  // A small pool of customers: concurrent carts of one customer exercise the customer upsert.
  const email = `shopper${randomInt(0, 200)}@faults.test`;
  const totalMinor = lineItems.reduce((sum, i) => sum + BigInt(i.cents) * BigInt(i.quantity), 0n);
  const itemCount = lineItems.reduce((sum, i) => sum + i.quantity, 0);
  return { body: { customerEmail: email, customerName: "Fault Tester", currency: "USD", items }, expected: { itemCount, totalMinor, lines, email } };
}

/**
 * `concurrency` clients each POSTing carts back to back to `url()` (which may change, e.g. after a
 * restart on another port), recording every answer. A client pauses briefly after a refused
 * connection (as real clients back off) so a dead server is not a busy loop.
 */
export function startLoad(options: { url: () => string; key: string; concurrency: number; timeoutMs: number }): Load {
  const outcomes: Outcome[] = [];
  let running = true;
  let seq = 0;
  const client = async () => {
    while (running) {
      const { body, expected } = randomCart(seq++);
      const start = Date.now();
      const outcome: Outcome = { start, end: 0, status: "conn", expected };
      try {
        const res = await fetch(`${options.url()}/api/carts`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": options.key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        outcome.status = res.status;
        outcome.retryAfter = res.headers.get("retry-after") ?? undefined;
        const text = await res.text();
        if (res.status === 201) {
          outcome.cartId = (JSON.parse(text) as { data?: { id?: string } }).data?.id;
          if (!outcome.cartId) outcome.error = `201 without a cart id: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } };
        outcome.status = e.name === "TimeoutError" ? "timeout" : "conn";
        outcome.error = e.cause?.code ?? e.cause?.message ?? e.message;
      }
      outcome.end = Date.now();
      outcomes.push(outcome);
      if (outcome.status === "conn") await new Promise((r) => setTimeout(r, 50));
    }
  };
  const clients = Array.from({ length: options.concurrency }, client);
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return outcomes;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
