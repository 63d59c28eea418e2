import { randomUUID } from "node:crypto";
import { and, eq, getTableColumns, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { getDb } from "@/db/client";
import * as schema from "@/db/schema";
import { createApiKey, type ApiKey } from "@/lib/auth/api-keys";
import { createCart } from "@/lib/carts/service";
import { contactFor, ensureUnsubscribeToken } from "@/lib/contacts/service";
import { newId } from "@/lib/ids";
import { generateLink } from "@/lib/links/service";
import { sendDueEmails } from "@/lib/recovery/sender";
import { DEFAULT_STEPS, saveSteps } from "@/lib/recovery/steps";
import { newBusiness } from "@/lib/testing/fixtures";
import { paidOrder, placedOrder } from "@/lib/testing/orders";
import { staffSession } from "@/lib/testing/staff";
import { authorizedTwigOrder } from "@/lib/testing/twig";
import { addMember, createInvitation, createStaffUser, listMembers } from "@/lib/team/service";
import { operate } from "@/lib/twig/operations";
import { createEndpoint } from "@/lib/webhooks/endpoints";

/**
 * A business with one of everything a tenant owns, for the isolation and secrets tests: a cart
 * with a payment link and a recovery email carrying a discount code, a pending and a paid checkout
 * order, an authorized and part-captured Twig order, a webhook endpoint with a delivery, a second
 * API key, a second member and a pending invitation. Every email, name and reference is unique to
 * it, so finding one in another tenant's answer is a leak.
 */
export type Tenant = Awaited<ReturnType<typeof richTenant>>;

export async function richTenant(label: string) {
  const tag = `${label}${randomUUID().slice(0, 8)}`;
  const mail = (who: string) => `${who}-${tag}@tenant.test`;
  const { business, key, apiKey } = await newBusiness({ name: `Shop ${tag}`, defaultCurrency: "USD" });
  const db = await getDb();

  const owner = await staffSession(business.id, "owner");
  const agentEmail = mail("agent");
  const agentUserId = await createStaffUser(db, { email: agentEmail, name: `Agent ${tag}`, password: "correct horse battery" });
  await addMember(db, business.id, agentUserId, "agent");
  const agentMembership = (await listMembers(business.id)).find((m) => m.userId === agentUserId)!.membershipId;
  const invitee = mail("invitee");
  const invited = await createInvitation(business.id, { email: invitee, role: "viewer" }, { userId: owner.userId, role: "owner" });
  const second: { key: string; apiKey: ApiKey } = await createApiKey(db, business.id, `Second key ${tag}`);

  // The cart's recovery email (outbox, no SMTP) with a single-use code: one step, due 5 minutes after abandonment.
  const step = { ...DEFAULT_STEPS[2]!, delayMinutes: 5 };
  await saveSteps(business.id, { steps: [step] });
  const customer = mail("customer");
  const cart = await createCart(
    business,
    { customerEmail: customer, customerName: `Customer ${tag}`, currency: "USD", items: [{ name: `Item ${tag}`, quantity: 2, price: 12.5 }] },
    { now: new Date(Date.now() - 10 * 60_000) },
  );
  await sendDueEmails(new Date(), { businessId: business.id });
  const [message] = await db.select().from(schema.recoveryMessages).where(eq(schema.recoveryMessages.cartId, cart.id));
  const [discount] = await db.select().from(schema.discountCodes).where(eq(schema.discountCodes.cartId, cart.id));
  if (!message || !discount) throw new Error("richTenant: the recovery email or its code was not made");
  const link = await generateLink(business.id, cart.id, { createdBy: "staff" });
  const [linkRow] = await db.select().from(schema.recoveryLinks).where(and(eq(schema.recoveryLinks.cartId, cart.id), eq(schema.recoveryLinks.businessId, business.id)));
  const contact = (await contactFor(business.id, customer))!;
  const unsubscribeToken = await ensureUnsubscribeToken(db, business.id, contact.id);

  const buyer = mail("buyer");
  const checkout = await placedOrder(business, { cart: { items: [{ productId: `prod_${tag}`, quantity: 1, price: 30 }] }, customerData: { email: buyer, firstName: "Pending", lastName: tag } }, { email: buyer });
  const paid = await paidOrder(business, { cart: { items: [{ productId: `prod_${tag}`, quantity: 2, price: 15 }] }, customerData: { email: buyer, firstName: "Paid", lastName: tag } }, { email: buyer });

  const shopper = mail("twig");
  const merchantOrderReference = `ref-${tag}`;
  const twig = await authorizedTwigOrder(
    { business, key, apiKey },
    { merchantOrderReference, customer: { firstName: "Twig", lastName: tag, email: shopper } },
  );
  await operate(business.id, "capture", { orderId: twig.id, key: randomUUID(), amountMinor: 5000n, currency: "USD", message: null, dateCreated: null }, "api");

  const endpoint = await createEndpoint(business.id, { url: `https://hooks.example/${tag}`, events: ["order.paid", "cart.recovered"], description: `Hook ${tag}` });
  const [delivery] = await db
    .insert(schema.webhookDeliveries)
    .values({ id: newId("whd"), businessId: business.id, endpointId: endpoint.id, eventId: newId("evt"), eventType: "order.paid", payload: `{"tag":"${tag}"}`, status: "failed", attempts: 3, responseCode: 500 })
    .returning();

  const ids = {
    business: business.id,
    apiKey: apiKey.id,
    secondKey: second.apiKey.id,
    ownerUser: owner.userId,
    agentUser: agentUserId,
    agentMembership,
    invitation: invited.invitation.id,
    cart: cart.id,
    customer: cart.customerId,
    link: linkRow!.id,
    message: message.id,
    discount: discount.id,
    checkoutSession: checkout.session.id,
    pendingOrder: checkout.order.id,
    paidCheckoutSession: paid.session.id,
    paidOrder: paid.order.id,
    twigOrder: twig.id,
    endpoint: endpoint.id,
    delivery: delivery!.id,
  };
  const secrets = {
    key,
    secondKey: second.key,
    webhookSecret: endpoint.secret,
    invitationToken: invited.url.split("/").pop()!,
    linkToken: new URL(link.url).pathname.split("/").pop()!,
    unsubscribeToken,
    discountCode: discount.code,
  };
  const emails = { owner: owner.email, agent: agentEmail, invitee, customer, buyer, shopper };
  return {
    tag,
    merchantOrderReference,
    business,
    key,
    apiKey,
    owner,
    ids,
    secrets,
    emails,
    /** Everything of this tenant that must never appear in another tenant's answer. */
    needles: [...Object.values(ids), ...Object.values(secrets), ...Object.values(emails), business.name, merchantOrderReference, tag],
  };
}

/**
 * The needles of `tenant` that `text` contains (case-insensitive). `echoed` are values the caller
 * sent itself (an email it searched for): they are taken out of the text before searching.
 */
export function leaks(tenant: Tenant, text: string, echoed: string[] = []): string[] {
  let haystack = text.toLowerCase();
  const forms = (v: string) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)];
  for (const value of echoed) for (const form of forms(value)) haystack = haystack.replaceAll(form.toLowerCase(), "");
  return tenant.needles.filter((n) => haystack.includes(n.toLowerCase()));
}

/** Every row of every table that carries the tenant's business_id, to prove nothing of it changed. */
export async function snapshot(businessId: string): Promise<Record<string, string[]>> {
  const db = await getDb();
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(schema)) {
    if (!is(table, PgTable)) continue;
    const columns = getTableColumns(table) as Record<string, unknown>;
    const column = name === "businesses" ? columns.id : columns.businessId;
    if (!column) continue;
    const rows = await db.select().from(table).where(eq(column as never, businessId));
    out[name] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();
  }
  return out;
}
