import Stripe from "stripe";
import { toStripeAmount } from "@/lib/money";

export type PayableCart = { id: string; businessId: string; totalMinor: bigint; currency: string };

/**
 * Signed Stripe deliveries of paid Checkout Sessions for recovery-link carts, 20% of them
 * repeats of an earlier event (a new signature, the same event), as Stripe retries do.
 */
export class StripeEventSource {
  readonly sent = new Set<string>();
  /** Event id → the cart it pays. */
  readonly cartOf = new Map<string, string>();
  private readonly bodies: { id: string; body: string }[] = [];
  private next = 0;

  constructor(
    private readonly carts: PayableCart[],
    private readonly secret: string,
    private readonly runId: string,
    private readonly duplicateShare = 0.2,
  ) {}

  /** The next delivery: its event id, body and headers. */
  delivery(): { id: string; body: string; headers: Record<string, string> } {
    const repeat = this.bodies.length > 0 && (Math.random() < this.duplicateShare || this.next >= this.carts.length);
    const { id, body } = repeat ? this.bodies[Math.floor(Math.random() * this.bodies.length)]! : this.fresh();
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: this.secret });
    return { id, body, headers: { "content-type": "application/json", "stripe-signature": signature } };
  }

  private fresh(): { id: string; body: string } {
    const n = this.next++;
    const cart = this.carts[n]!;
    const id = `evt_bench_${this.runId}_${n}`;
    const event = {
      id,
      object: "event",
      api_version: "2025-09-30.clover",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "checkout.session.completed",
      data: {
        object: {
          id: `cs_bench_${this.runId}_${n}`,
          object: "checkout.session",
          mode: "payment",
          status: "complete",
          payment_status: "paid",
          amount_total: toStripeAmount(cart.totalMinor, cart.currency),
          currency: cart.currency.toLowerCase(),
          payment_intent: `pi_bench_${this.runId}_${n}`,
          metadata: { business_id: cart.businessId, cart_id: cart.id },
        },
      },
    };
    const entry = { id, body: JSON.stringify(event) };
    this.bodies.push(entry);
    this.sent.add(id);
    this.cartOf.set(id, cart.id);
    return entry;
  }
}
