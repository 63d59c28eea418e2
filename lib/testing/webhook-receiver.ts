import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { useEnv } from "./env";

export type Received = { headers: http.IncomingHttpHeaders; body: string; json: any };

/**
 * A real webhook receiver on 127.0.0.1 with an ephemeral port. It records every request and
 * answers with `reply` (200 "ok" unless changed).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200, body: "ok" };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = undefined;
      try {
        json = JSON.parse(body);
      } catch {}
      received.push({ headers: req.headers, body, json });
      res.writeHead(state.status, { "content-type": "text/plain" }).end(state.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    reply(status: number, body = "") {
      state.status = status;
      state.body = body;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Lets outbound webhooks reach loopback (the receiver) until the returned function is called. */
export function allowLoopbackWebhooks(ranges = "127.0.0.0/8"): () => void {
  return useEnv({ WEBHOOK_ALLOWED_RANGES: ranges });
}

/** Seed 000's verification snippet, as a receiver would write it. */
export function verifyWebhookSignature(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac("sha256", secret).update(payload).digest("hex");
  return signature === `sha256=${expectedSignature}`;
}

/**
 * Runs the worker for one business only. On Postgres every test file shares one database, and
 * a plain deliverDue() would also send (and count) other files' deliveries.
 */
export async function deliverFor(key: string, now = new Date()): Promise<number> {
  const { authenticate } = await import("@/lib/auth/api-keys");
  const { deliverDue } = await import("@/lib/webhooks/worker");
  const { business } = await authenticate(new Headers({ "x-api-key": key }));
  return deliverDue(now, 100, { businessId: business.id });
}
