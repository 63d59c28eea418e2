import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type StripeRequest = { method: string; path: string; form: URLSearchParams; headers: IncomingMessage["headers"] };

/** An error answer as Stripe sends it: the HTTP status and the `error` object. */
export type StripeMockError = { status: number; error: { type: string; message: string; code?: string; decline_code?: string } };

/** What Stripe answers when the issuer declines. */
export const CARD_DECLINED: StripeMockError = {
  status: 402,
  error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." },
};

type MockSession = {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  intentMetadata: Record<string, string>;
  manualCapture: boolean;
  multicapture: boolean;
  status: "open" | "complete" | "expired";
  paymentIntent: string | null;
  clientReferenceId: string | null;
  expiresAt: number;
};

export type MockPaymentIntent = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: "manual";
  status: "requires_capture" | "succeeded" | "canceled";
  cancellation_reason: string | null;
  metadata: Record<string, string>;
  latest_charge: string;
};

type Answer = [number, unknown];

/**
 * A local stand-in for the few Stripe endpoints Cartback calls. It records every request so
 * tests can assert the exact parameters the official SDK sent. Sessions created with manual
 * capture can be authorized (`authorize`), then captured, refunded or cancelled with Stripe's
 * amount rules.
 */
export class StripeMock {
  readonly requests: StripeRequest[] = [];
  private server: Server | undefined;
  private sessions = 0;
  private ids = 0;
  private readonly checkoutSessions = new Map<string, MockSession>();
  private readonly intents = new Map<string, MockPaymentIntent>();
  private readonly refunded = new Map<string, number>();
  private readonly idempotent = new Map<string, { request: string; answer: Answer }>();
  private readonly errors: StripeMockError[] = [];
  /** Session ids must not repeat across test files sharing one Postgres database. */
  private readonly run = Math.random().toString(36).slice(2, 10);
  /** Make the next N requests fail with a Stripe API error. */
  failNext = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const [path = "/", query = ""] = (req.url ?? "/").split("?");
        // The SDK sends GET parameters (expand) in the query string and POST parameters in the body.
        const form = new URLSearchParams(req.method === "GET" ? query : Buffer.concat(chunks).toString("utf8"));
        this.requests.push({ method: req.method ?? "GET", path, form, headers: req.headers });
        const [status, body] = this.answerOnce(req.method ?? "GET", path, form, req.headers["idempotency-key"] as string | undefined);
        res.writeHead(status, {
          "content-type": "application/json",
          "request-id": `req_${this.requests.length}`,
          // Keeps the SDK from retrying a mock failure with backoff.
          ...(status >= 400 ? { "stripe-should-retry": "false" } : {}),
        });
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

  /** Answer the next request with this error (a card decline, an outage…), after any `failNext`. */
  failNextWith(error: StripeMockError): void {
    this.errors.push(error);
  }

  /** The customer authorizes a manual-capture session: it completes with a PaymentIntent holding its amount. */
  authorize(sessionId: string): MockPaymentIntent {
    const session = this.checkoutSessions.get(sessionId);
    if (!session?.manualCapture) throw new Error(`StripeMock: ${sessionId} is not a manual-capture session`);
    if (session.paymentIntent) return this.intents.get(session.paymentIntent)!;
    const n = ++this.ids;
    const intent: MockPaymentIntent = {
      id: `pi_mock${n}${this.run}`,
      object: "payment_intent",
      amount: session.amount,
      amount_capturable: session.amount,
      amount_received: 0,
      currency: session.currency,
      capture_method: "manual",
      status: "requires_capture",
      cancellation_reason: null,
      metadata: session.intentMetadata,
      latest_charge: `ch_mock${n}${this.run}`,
    };
    this.intents.set(intent.id, intent);
    Object.assign(session, { status: "complete", paymentIntent: intent.id });
    return intent;
  }

  paymentIntent(id: string): MockPaymentIntent | undefined {
    return this.intents.get(id);
  }

  /** Like Stripe, a repeated idempotency key gets the first answer again (successes only, here). */
  private answerOnce(method: string, path: string, form: URLSearchParams, key: string | undefined): Answer {
    if (method !== "POST" || !key) return this.answer(method, path, form);
    const request = `${path}?${form}`;
    const seen = this.idempotent.get(key);
    if (seen && seen.request !== request) {
      return [400, { error: { type: "idempotency_error", message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } }];
    }
    if (seen) return seen.answer;
    const answer = this.answer(method, path, form);
    if (answer[0] < 400) this.idempotent.set(key, { request, answer: [answer[0], structuredClone(answer[1])] });
    return answer;
  }

  private answer(method: string, path: string, form: URLSearchParams): Answer {
    if (this.failNext > 0) {
      this.failNext--;
      return [400, { error: { type: "invalid_request_error", message: "Mock failure" } }];
    }
    const error = this.errors.shift();
    if (error) return [error.status, { error: error.error }];
    if (method === "POST" && path === "/v1/checkout/sessions") return [200, this.sessionView(this.createSession(form), false)];
    if (method === "POST" && path === "/v1/coupons") return [200, { id: "coupon_mock1", object: "coupon" }];
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === "POST" && expire) {
      const session = this.checkoutSessions.get(expire[1]!);
      if (session?.status === "open") session.status = "expired";
      return [200, { id: expire[1], object: "checkout.session", status: "expired" }];
    }
    const session = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === "GET" && session) {
      const found = this.checkoutSessions.get(session[1]!);
      if (!found) return missing("checkout session", session[1]!);
      return [200, this.sessionView(found, [...form].some(([k, v]) => /^expand\[\d*\]$/.test(k) && v === "payment_intent"))];
    }
    const intentAction = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/.exec(path);
    if (method === "POST" && intentAction) {
      const intent = this.intents.get(intentAction[1]!);
      if (!intent) return missing("payment_intent", intentAction[1]!);
      return intentAction[2] === "capture" ? this.capture(intent, form) : this.cancel(intent, form);
    }
    if (method === "POST" && path === "/v1/refunds") return this.refund(form);
    return [404, { error: { type: "invalid_request_error", message: `No mock for ${method} ${path}` } }];
  }

  private createSession(form: URLSearchParams): MockSession {
    const id = `cs_test_mock${++this.sessions}${this.run}`;
    let amount = Number(form.get("shipping_options[0][shipping_rate_data][fixed_amount][amount]") ?? 0);
    for (let i = 0; form.has(`line_items[${i}][quantity]`); i++) {
      amount += Number(form.get(`line_items[${i}][quantity]`)) * Number(form.get(`line_items[${i}][price_data][unit_amount]`));
    }
    const session: MockSession = {
      id,
      amount,
      currency: form.get("line_items[0][price_data][currency]") ?? "usd",
      metadata: bracketed(form, "metadata"),
      intentMetadata: bracketed(form, "payment_intent_data[metadata]"),
      manualCapture: form.get("payment_intent_data[capture_method]") === "manual",
      multicapture: form.get("payment_method_options[card][request_multicapture]") === "if_available",
      status: "open",
      paymentIntent: null,
      clientReferenceId: form.get("client_reference_id"),
      expiresAt: Number(form.get("expires_at")),
    };
    this.checkoutSessions.set(id, session);
    return session;
  }

  private sessionView(s: MockSession, expandIntent: boolean) {
    return {
      id: s.id,
      object: "checkout.session",
      url: `https://checkout.stripe.test/c/pay/${s.id}`,
      status: s.status,
      // A manual-capture session completes unpaid: the funds are only held.
      payment_status: "unpaid",
      amount_total: s.amount,
      currency: s.currency,
      metadata: s.metadata,
      client_reference_id: s.clientReferenceId,
      expires_at: s.expiresAt,
      payment_intent: s.paymentIntent && expandIntent ? this.intents.get(s.paymentIntent) : s.paymentIntent,
    };
  }

  private capture(intent: MockPaymentIntent, form: URLSearchParams): Answer {
    if (intent.status !== "requires_capture") return unexpectedState(intent, "capture");
    const amount = Number(form.get("amount_to_capture") ?? intent.amount_capturable);
    const final = form.get("final_capture") !== "false";
    if (!final && !this.multicaptureOf(intent)) {
      return invalid("final_capture can only be set to false when multicapture is available for this PaymentIntent.", "final_capture");
    }
    if (!(amount > 0) || amount > intent.amount_capturable) {
      return invalid(`The amount_to_capture (${amount}) must be greater than 0 and at most the amount_capturable (${intent.amount_capturable}).`, "amount_to_capture");
    }
    intent.amount_received += amount;
    intent.amount_capturable = final ? 0 : intent.amount_capturable - amount;
    if (intent.amount_capturable === 0) intent.status = "succeeded";
    return [200, intent];
  }

  private cancel(intent: MockPaymentIntent, form: URLSearchParams): Answer {
    if (intent.status !== "requires_capture") return unexpectedState(intent, "cancel");
    Object.assign(intent, { status: "canceled", amount_capturable: 0, cancellation_reason: form.get("cancellation_reason") ?? "requested_by_customer" });
    return [200, intent];
  }

  private refund(form: URLSearchParams): Answer {
    const id = form.get("payment_intent") ?? "";
    const intent = this.intents.get(id);
    if (!intent) return missing("payment_intent", id);
    const refunded = this.refunded.get(id) ?? 0;
    const refundable = intent.amount_received - refunded;
    if (refundable <= 0) {
      return [400, { error: { type: "invalid_request_error", code: intent.amount_received ? "charge_already_refunded" : "charge_not_captured", message: `Charge ${intent.latest_charge} has no captured amount left to refund.` } }];
    }
    const amount = Number(form.get("amount") ?? refundable);
    if (!(amount > 0) || amount > refundable) {
      return invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${refundable})`, "amount");
    }
    this.refunded.set(id, refunded + amount);
    return [200, { id: `re_mock${++this.ids}${this.run}`, object: "refund", amount, currency: intent.currency, payment_intent: id, charge: intent.latest_charge, status: "succeeded" }];
  }

  private multicaptureOf(intent: MockPaymentIntent): boolean {
    return [...this.checkoutSessions.values()].some((s) => s.paymentIntent === intent.id && s.multicapture);
  }
}

/** `metadata[order_id]=x` → `{ order_id: "x" }` for a prefix. */
function bracketed(form: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) {
    if (k.startsWith(`${prefix}[`) && k.endsWith("]") && !k.slice(prefix.length + 1, -1).includes("[")) out[k.slice(prefix.length + 1, -1)] = v;
  }
  return out;
}

function invalid(message: string, param: string): Answer {
  return [400, { error: { type: "invalid_request_error", message, param } }];
}

function missing(what: string, id: string): Answer {
  return [404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'` } }];
}

function unexpectedState(intent: MockPaymentIntent, action: "capture" | "cancel"): Answer {
  return [
    400,
    {
      error: {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
        payment_intent: intent,
      },
    },
  ];
}
