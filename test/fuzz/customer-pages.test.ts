import { beforeAll, describe } from "vitest";
import { getDb } from "@/db/client";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { ensureUnsubscribeToken } from "@/lib/contacts/service";
import { generateLink, openLink } from "@/lib/links/service";
import { newBusiness, seedCart } from "@/lib/testing/fixtures";
import { formOrigin } from "@/lib/testing/fuzz/auth";
import type { Endpoint } from "@/lib/testing/fuzz/cases";
import { fuzzEndpoint, SHARE, useFuzzEnvironment } from "@/lib/testing/fuzz/run";
import { newCheckout } from "@/lib/testing/orders";
import { twigOrder } from "@/lib/testing/twig";
import { POST as payCheckout } from "@/app/checkout/[sessionId]/pay/route";
import { POST as confirmTestPayment } from "@/app/pay/test/[id]/confirm/route";
import { GET as openRecoveryLink } from "@/app/r/[token]/route";
import { POST as authorizeTwig } from "@/app/twig/checkout/[orderId]/authorize/route";
import { POST as cancelTwig } from "@/app/twig/checkout/[orderId]/cancel/route";
import { GET as twigReturn } from "@/app/twig/checkout/[orderId]/return/route";
import { GET as oneClickPage, POST as oneClick } from "@/app/u/[token]/one-click/route";

/**
 * The customer's pages that take requests: recovery links, the hosted checkout's forms, the
 * test-mode payment, the Twig checkout's buttons and one-click unsubscribe. They answer in plain
 * text (refusals) or 303s (on to the next page), never with an error page of their own (?error=1).
 */

useFuzzEnvironment();

type World = { businessIds: string[]; token: string; paymentSessionId: string; sessionId: string; twigPendingId: string; twigCancellableId: string; unsubscribeToken: string };
let w: World;

beforeAll(async () => {
  const [shop, other] = [await newBusiness(), await newBusiness()];
  const cart = await createCart(shop.business, createCartInput.parse(seedCart));
  const payable = await createCart(shop.business, createCartInput.parse(seedCart));
  const link = await generateLink(shop.business.id, cart.id);
  const payLink = await generateLink(shop.business.id, payable.id);
  const opened = await openLink(payLink.url.split("/r/")[1]!);
  const session = await newCheckout(shop.business);
  const twigPending = await twigOrder(shop, { merchant: { confirmUrl: "https://shop.example/ok", cancelUrl: "https://shop.example/cancel" } });
  const twigCancellable = await twigOrder(shop);
  const unsubscribeToken = await ensureUnsubscribeToken(await getDb(), shop.business.id, cart.customerId);
  w = {
    businessIds: [shop.business.id, other.business.id],
    token: link.url.split("/r/")[1]!,
    paymentSessionId: ("redirect" in opened ? opened.redirect : "").split("/").pop()!,
    sessionId: session.id,
    twigPendingId: twigPending.id,
    twigCancellableId: twigCancellable.id,
    unsubscribeToken,
  };
});

const FORM = "application/x-www-form-urlencoded";
const page = (e: Omit<Endpoint, "shape" | "businessIds" | "headers" | "badAuth"> & Partial<Pick<Endpoint, "headers" | "badAuth">>): Endpoint => ({
  headers: {},
  badAuth: [{}],
  ...e,
  shape: "page",
  businessIds: w.businessIds,
});

describe("customer pages", () => {
  fuzzEndpoint("GET /r/[token]", () => page({ handler: openRecoveryLink, method: "GET", route: "/r/[token]", params: { token: w.token }, query: { m: "msg_x" } }), { share: SHARE.pageWritingEveryCase });
  fuzzEndpoint(
    "POST /checkout/[sessionId]/pay",
    () =>
      page({
        handler: payCheckout,
        method: "POST",
        route: "/checkout/[sessionId]/pay",
        params: { sessionId: w.sessionId },
        contentType: FORM,
        body: { email: "john@example.com", firstName: "John", lastName: "Doe", phone: "+15555550100" },
        ...formOrigin,
        // The form's errors send the customer back to it: a refusal, which must change nothing.
        refusedAnswer: (res) => /[?&]invalid=1/.test(res.headers.get("location") ?? ""),
      }),
    { share: SHARE.page },
  );
  fuzzEndpoint("POST /pay/test/[id]/confirm", () => page({ handler: confirmTestPayment, method: "POST", route: "/pay/test/[id]/confirm", params: { id: w.paymentSessionId } }), { share: SHARE.pageWritingEveryCase });
  fuzzEndpoint(
    "POST /twig/checkout/[orderId]/authorize",
    () => page({ handler: authorizeTwig, method: "POST", route: "/twig/checkout/[orderId]/authorize", params: { orderId: w.twigPendingId }, contentType: FORM, body: {}, ...formOrigin }),
    { share: SHARE.page },
  );
  fuzzEndpoint(
    "POST /twig/checkout/[orderId]/cancel",
    () => page({ handler: cancelTwig, method: "POST", route: "/twig/checkout/[orderId]/cancel", params: { orderId: w.twigCancellableId }, contentType: FORM, body: {}, ...formOrigin }),
    { share: SHARE.page },
  );
  fuzzEndpoint(
    "GET /twig/checkout/[orderId]/return",
    () => page({ handler: twigReturn, method: "GET", route: "/twig/checkout/[orderId]/return", params: { orderId: w.twigPendingId }, query: { session_id: "cs_test_x" } }),
    { share: SHARE.page },
  );
  fuzzEndpoint(
    "POST /u/[token]/one-click",
    () => page({ handler: oneClick, method: "POST", route: "/u/[token]/one-click", params: { token: w.unsubscribeToken }, contentType: FORM, body: { "List-Unsubscribe": "One-Click" } }),
    { share: SHARE.page },
  );
  fuzzEndpoint("GET /u/[token]/one-click", () => page({ handler: oneClickPage, method: "GET", route: "/u/[token]/one-click", params: { token: w.unsubscribeToken } }), { share: SHARE.page });
});
