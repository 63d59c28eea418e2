import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recoveryMessages } from "@/db/schema";
import { createApiKey } from "@/lib/auth/api-keys";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { sendDueEmails } from "@/lib/recovery/sender";
import { newBusiness, seedCart } from "@/lib/testing/fixtures";
import { staffAuth, type Auth } from "@/lib/testing/fuzz/auth";
import type { Endpoint } from "@/lib/testing/fuzz/cases";
import { fuzzEndpoint, SHARE, useFuzzEnvironment } from "@/lib/testing/fuzz/run";
import { paidOrder, placedOrder } from "@/lib/testing/orders";
import { useSmtp } from "@/lib/testing/smtp";
import { authorizedTwigOrder } from "@/lib/testing/twig";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { addMember, createInvitation, createStaffUser, listMembers } from "@/lib/team/service";
import { operate } from "@/lib/twig/operations";
import { createEndpoint, sendTestEvent } from "@/lib/webhooks/endpoints";
import { PATCH as settings } from "@/app/api/dashboard/business/route";
import { DELETE as revokeLink, POST as link } from "@/app/api/dashboard/carts/[id]/link/route";
import { POST as cartStatus } from "@/app/api/dashboard/carts/[id]/status/route";
import { GET as changes } from "@/app/api/dashboard/changes/route";
import { POST as erase } from "@/app/api/dashboard/contacts/erase/route";
import { GET as exportAnalytics } from "@/app/api/dashboard/export/analytics/route";
import { GET as exportCarts } from "@/app/api/dashboard/export/carts/route";
import { DELETE as revokeInvitation } from "@/app/api/dashboard/invitations/[id]/route";
import { POST as invite } from "@/app/api/dashboard/invitations/route";
import { DELETE as revokeKey } from "@/app/api/dashboard/keys/[id]/route";
import { POST as createKey } from "@/app/api/dashboard/keys/route";
import { DELETE as removeMember, PATCH as changeRole } from "@/app/api/dashboard/members/[id]/route";
import { POST as cancelOrder } from "@/app/api/dashboard/orders/[id]/cancel/route";
import { POST as captureOrder } from "@/app/api/dashboard/orders/[id]/capture/route";
import { POST as completeOrder } from "@/app/api/dashboard/orders/[id]/complete/route";
import { POST as refundOrder } from "@/app/api/dashboard/orders/[id]/refund/route";
import { POST as sendMessage } from "@/app/api/dashboard/recovery/messages/[id]/send/route";
import { PUT as steps } from "@/app/api/dashboard/recovery/steps/route";
import { POST as replayDelivery } from "@/app/api/dashboard/webhooks/[id]/deliveries/[deliveryId]/replay/route";
import { POST as replayFailed } from "@/app/api/dashboard/webhooks/[id]/replay/route";
import { POST as rotate } from "@/app/api/dashboard/webhooks/[id]/rotate/route";
import { DELETE as deleteWebhook, PATCH as patchWebhook } from "@/app/api/dashboard/webhooks/[id]/route";
import { POST as testWebhook } from "@/app/api/dashboard/webhooks/[id]/test/route";
import { POST as createWebhook } from "@/app/api/dashboard/webhooks/route";

/**
 * The dashboard's own API (/api/dashboard/…): an owner's session cookie from our origin, the
 * tracker envelope. Each endpoint takes SHARE.dashboard of FUZZ_RUNS (docs/reliability.md).
 */

useFuzzEnvironment();

type World = {
  businessId: string;
  otherId: string;
  auth: Auth;
  cartId: string;
  settledCartId: string;
  pendingOrderId: string;
  paidOrderId: string;
  twigAuthorizedId: string;
  twigCapturedId: string;
  invitationId: string;
  memberId: string;
  doomedMemberId: string;
  keyId: string;
  messageId: string;
  webhookId: string;
  doomedWebhookId: string;
  deliveryId: string;
};
let w: World;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreRanges: () => void;

async function member(businessId: string): Promise<string> {
  const db = await getDb();
  const userId = await createStaffUser(db, { email: `agent-${randomUUID()}@staff.test`, name: "Agent", password: "correct horse battery" });
  await addMember(db, businessId, userId, "agent");
  return (await listMembers(businessId)).find((m) => m.userId === userId)!.membershipId;
}

beforeAll(async () => {
  restoreRanges = allowLoopbackWebhooks();
  receiver = await startReceiver();
  const [shop, other] = [await newBusiness(), await newBusiness()];
  const id = shop.business.id;
  const auth = await staffAuth(id);
  // Abandoned two hours ago, so the scheduler (without SMTP) leaves its first email in the outbox.
  const cart = await createCart(shop.business, createCartInput.parse(seedCart), { now: new Date(Date.now() - 2 * 3600_000) });
  const settled = await createCart(shop.business, createCartInput.parse(seedCart));
  const restore = useSmtp(undefined);
  try {
    await sendDueEmails(new Date(Date.now() - 30 * 60_000), { businessId: id });
  } finally {
    restore();
  }
  const [message] = await (await getDb()).select().from(recoveryMessages).where(eq(recoveryMessages.businessId, id));
  const { order: pending } = await placedOrder(shop.business);
  const { order: paid } = await paidOrder(shop.business);
  const twigAuthorized = await authorizedTwigOrder(shop);
  const twigCaptured = await authorizedTwigOrder(shop);
  await operate(id, "capture", { orderId: twigCaptured.id, key: randomUUID(), amountMinor: 22_000n, currency: "USD", message: null, dateCreated: null }, "api");
  const invitation = await createInvitation(id, { email: "invitee@example.com", role: "agent" }, { userId: auth.userId, role: "owner" });
  const { apiKey } = await createApiKey(await getDb(), id, "to revoke");
  const hook = await createEndpoint(id, { url: receiver.url, events: ["order.paid"] });
  const doomedHook = await createEndpoint(id, { url: receiver.url, events: ["order.paid"] });
  const delivery = await sendTestEvent(id, hook.id);
  w = {
    businessId: id,
    otherId: other.business.id,
    auth,
    cartId: cart.id,
    settledCartId: settled.id,
    pendingOrderId: pending.id,
    paidOrderId: paid.id,
    twigAuthorizedId: twigAuthorized.id,
    twigCapturedId: twigCaptured.id,
    invitationId: invitation.invitation.id,
    memberId: await member(id),
    doomedMemberId: await member(id),
    keyId: apiKey.id,
    messageId: message!.id,
    webhookId: hook.id,
    doomedWebhookId: doomedHook.id,
    deliveryId: delivery.id,
  };
});

afterAll(async () => {
  restoreRanges();
  await receiver.close();
});

const dashboard = (e: Omit<Endpoint, "shape" | "headers" | "badAuth" | "businessIds">): Endpoint => ({
  ...e,
  shape: "tracker",
  headers: w.auth.headers,
  badAuth: w.auth.badAuth,
  businessIds: [w.businessId, w.otherId],
});

const fuzz = (name: string, spec: () => Endpoint) => fuzzEndpoint(name, spec, { share: SHARE.dashboard });
const STEP_BODY = "Hi {{customer.firstName}},\n\n{{cart.items}}\n\n{{link}}\n\n{{unsubscribe}}";

describe("dashboard: settings, team and keys", () => {
  fuzz("PATCH /api/dashboard/business", () =>
    dashboard({
      handler: settings,
      method: "PATCH",
      route: "/api/dashboard/business",
      body: {
        name: "Fuzz shop",
        defaultCurrency: "USD",
        linkTtlHours: 168,
        twigMerchant: { confirmUrl: "https://shop.example/ok", cancelUrl: "", validationUrl: null, pushUrl: "https://shop.example/push", requiresValidateCallbackSuccess: false, captureOnExpire: true },
        abandonAfterMinutes: 60,
        cartExpiryDays: 30,
        retentionDays: null,
        emailCapPerWeek: 3,
        recoveryEmailsEnabled: true,
        requireConsent: false,
        emailFromName: "Fuzz",
      },
    }),
  );
  fuzz("POST /api/dashboard/invitations", () =>
    dashboard({ handler: invite, method: "POST", route: "/api/dashboard/invitations", body: fc.uuid().map((u) => ({ email: `invitee-${u.slice(0, 8)}@example.com`, role: "agent" })) }),
  );
  fuzz("DELETE /api/dashboard/invitations/[id]", () => dashboard({ handler: revokeInvitation, method: "DELETE", route: "/api/dashboard/invitations/[id]", params: { id: w.invitationId } }));
  fuzz("POST /api/dashboard/keys", () => dashboard({ handler: createKey, method: "POST", route: "/api/dashboard/keys", body: { name: "Fuzz key" } }));
  fuzz("DELETE /api/dashboard/keys/[id]", () => dashboard({ handler: revokeKey, method: "DELETE", route: "/api/dashboard/keys/[id]", params: { id: w.keyId } }));
  fuzz("PATCH /api/dashboard/members/[id]", () => dashboard({ handler: changeRole, method: "PATCH", route: "/api/dashboard/members/[id]", params: { id: w.memberId }, body: { role: "viewer" } }));
  fuzz("DELETE /api/dashboard/members/[id]", () => dashboard({ handler: removeMember, method: "DELETE", route: "/api/dashboard/members/[id]", params: { id: w.doomedMemberId } }));
  fuzz("POST /api/dashboard/contacts/erase", () =>
    dashboard({ handler: erase, method: "POST", route: "/api/dashboard/contacts/erase", body: fc.uuid().map((u) => ({ email: `gone-${u.slice(0, 8)}@example.com` })) }),
  );
  fuzz("GET /api/dashboard/changes", () => dashboard({ handler: changes, method: "GET", route: "/api/dashboard/changes" }));
});

describe("dashboard: carts, orders and recovery", () => {
  fuzz("POST /api/dashboard/carts/[id]/link", () => dashboard({ handler: link, method: "POST", route: "/api/dashboard/carts/[id]/link", params: { id: w.cartId }, body: { rotate: false } }));
  fuzz("DELETE /api/dashboard/carts/[id]/link", () => dashboard({ handler: revokeLink, method: "DELETE", route: "/api/dashboard/carts/[id]/link", params: { id: w.cartId } }));
  fuzz("POST /api/dashboard/carts/[id]/status", () =>
    dashboard({ handler: cartStatus, method: "POST", route: "/api/dashboard/carts/[id]/status", params: { id: w.settledCartId }, body: { status: "recovered" } }),
  );
  fuzz("GET /api/dashboard/export/carts", () => dashboard({ handler: exportCarts, method: "GET", route: "/api/dashboard/export/carts", query: { status: "abandoned", q: "customer", sort: "newest" } }));
  fuzz("GET /api/dashboard/export/analytics", () =>
    dashboard({ handler: exportAnalytics, method: "GET", route: "/api/dashboard/export/analytics", query: { from: "2024-01-01", to: "2024-03-31", currency: "USD" } }),
  );
  fuzz("POST /api/dashboard/orders/[id]/cancel", () =>
    dashboard({
      handler: cancelOrder,
      method: "POST",
      route: "/api/dashboard/orders/[id]/cancel",
      params: { id: w.pendingOrderId },
      body: fc.uuid().map((key) => ({ reason: "Out of stock", key })),
    }),
  );
  fuzz("POST /api/dashboard/orders/[id]/capture", () =>
    dashboard({
      handler: captureOrder,
      method: "POST",
      route: "/api/dashboard/orders/[id]/capture",
      params: { id: w.twigAuthorizedId },
      body: fc.uuid().map((key) => ({ amount: "1.00", key })),
    }),
  );
  fuzz("POST /api/dashboard/orders/[id]/refund", () =>
    dashboard({
      handler: refundOrder,
      method: "POST",
      route: "/api/dashboard/orders/[id]/refund",
      params: { id: w.twigCapturedId },
      body: fc.uuid().map((key) => ({ amount: "1.00", key })),
    }),
  );
  fuzz("POST /api/dashboard/orders/[id]/complete", () => dashboard({ handler: completeOrder, method: "POST", route: "/api/dashboard/orders/[id]/complete", params: { id: w.paidOrderId } }));
  fuzz("POST /api/dashboard/recovery/messages/[id]/send", () => ({
    ...dashboard({ handler: sendMessage, method: "POST", route: "/api/dashboard/recovery/messages/[id]/send", params: { id: w.messageId } }),
    // Without SMTP the message stays in the outbox: 409.
    validRefused: true,
  }));
  fuzz("PUT /api/dashboard/recovery/steps", () =>
    dashboard({
      handler: steps,
      method: "PUT",
      route: "/api/dashboard/recovery/steps",
      body: {
        steps: [
          { delayMinutes: 30, subject: "Forgot something?", body: STEP_BODY, enabled: true, discount: null },
          { delayMinutes: 1440, subject: "10% off", body: STEP_BODY, enabled: true, discount: { type: "percentage", percent: 10, validHours: 48 } },
          { delayMinutes: 2880, subject: "{{#discount}}{{discount.label}}{{/discount}} your cart", body: STEP_BODY, enabled: false, discount: { type: "fixed", amount: "5.00", currency: "usd", validHours: 24 } },
        ],
      },
    }),
  );
});

describe("dashboard: webhooks", () => {
  fuzz("POST /api/dashboard/webhooks", () =>
    dashboard({ handler: createWebhook, method: "POST", route: "/api/dashboard/webhooks", body: { url: "https://merchant.example/hooks", events: ["order.paid"], description: "Paid" } }),
  );
  fuzz("PATCH /api/dashboard/webhooks/[id]", () =>
    dashboard({
      handler: patchWebhook,
      method: "PATCH",
      route: "/api/dashboard/webhooks/[id]",
      params: { id: w.webhookId },
      body: { url: receiver.url, events: ["order.paid", "order.cancelled"], description: "Orders", status: "active" },
    }),
  );
  fuzz("DELETE /api/dashboard/webhooks/[id]", () => dashboard({ handler: deleteWebhook, method: "DELETE", route: "/api/dashboard/webhooks/[id]", params: { id: w.doomedWebhookId } }));
  fuzz("POST /api/dashboard/webhooks/[id]/test", () => dashboard({ handler: testWebhook, method: "POST", route: "/api/dashboard/webhooks/[id]/test", params: { id: w.webhookId }, body: {} }));
  fuzz("POST /api/dashboard/webhooks/[id]/rotate", () => dashboard({ handler: rotate, method: "POST", route: "/api/dashboard/webhooks/[id]/rotate", params: { id: w.webhookId }, body: {} }));
  fuzz("POST /api/dashboard/webhooks/[id]/replay", () =>
    dashboard({ handler: replayFailed, method: "POST", route: "/api/dashboard/webhooks/[id]/replay", params: { id: w.webhookId }, body: { since: "2024-01-01T00:00:00Z", until: "2030-01-01" } }),
  );
  fuzz("POST /api/dashboard/webhooks/[id]/deliveries/[deliveryId]/replay", () =>
    dashboard({
      handler: replayDelivery,
      method: "POST",
      route: "/api/dashboard/webhooks/[id]/deliveries/[deliveryId]/replay",
      params: { id: w.webhookId, deliveryId: w.deliveryId },
      body: {},
    }),
  );
});
