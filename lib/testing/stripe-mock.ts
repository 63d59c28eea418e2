import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type StripeRequest = { method: string; path: string; form: URLSearchParams; headers: IncomingMessage["headers"] };

/**
 * A local stand-in for the few Stripe endpoints Cartback calls. It records every request so
 * tests can assert the exact parameters the official SDK sent.
 */
export class StripeMock {
  readonly requests: StripeRequest[] = [];
  private server: Server | undefined;
  private sessions = 0;
  /** Session ids must not repeat across test files sharing one Postgres database. */
  private readonly run = Math.random().toString(36).slice(2, 10);
  /** Make the next N requests fail with a Stripe API error. */
  failNext = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = (req.url ?? "/").split("?")[0]!;
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        this.requests.push({ method: req.method ?? "GET", path, form, headers: req.headers });
        const [status, body] = this.answer(req.method ?? "GET", path, form);
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${this.requests.length}` });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  sessionCreates(): StripeRequest[] {
    return this.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
  }

  private answer(method: string, path: string, form: URLSearchParams): [number, unknown] {
    if (this.failNext > 0) {
      this.failNext--;
      return [400, { error: { type: "invalid_request_error", message: "Mock failure" } }];
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const id = `cs_test_mock${++this.sessions}${this.run}`;
      return [
        200,
        {
          id,
          object: "checkout.session",
          url: `https://checkout.stripe.test/c/pay/${id}`,
          status: "open",
          payment_status: "unpaid",
          client_reference_id: form.get("client_reference_id"),
          expires_at: Number(form.get("expires_at")),
        },
      ];
    }
    if (method === "POST" && path === "/v1/coupons") return [200, { id: "coupon_mock1", object: "coupon" }];
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === "POST" && expire) return [200, { id: expire[1], object: "checkout.session", status: "expired" }];
    return [404, { error: { type: "invalid_request_error", message: `No mock for ${method} ${path}` } }];
  }
}
