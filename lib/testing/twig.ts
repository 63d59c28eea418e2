import { randomUUID } from "node:crypto";
import type { TwigMerchant } from "@/db/schema";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { getOrder, type OrderView } from "@/lib/orders/queries";
import { authorizeTestPayment } from "@/lib/twig/customer";
import { parseTwigInit } from "@/lib/twig/schema";
import { initTwigOrder } from "@/lib/twig/service";
import { seedInitPayload } from "./twig-examples";

/**
 * Twig orders made the way merchants make them: an init body (seed 003's example, with amounts
 * that add up), parsed like the route does, then initTwigOrder with the tenant's API key (which
 * signs the order's callbacks).
 */

type Tenant = { business: Business; key: string; apiKey: ApiKey };

/**
 * Seed 003's init example (lib/testing/twig-examples.ts) with a unique merchant reference and a
 * breakdown that adds up to its lines: items 90.00 + 2 × 45.00 = 180.00, tax 10.00 + 2 × 5.00 =
 * 20.00, shipping 20.00, total 220.00 USD.
 */
export function twigInitBody(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    ...seedInitPayload(),
    merchantOrderReference: `ref-${randomUUID()}`,
    amount: { currencyCode: "USD", value: "220.00", breakdown: { items: "180.00", shipping: "20.00", tax: "20.00" } },
    ...overrides,
  };
}

/** A pending Twig order of the tenant (body fields overridden, merchant settings given). */
export async function twigOrder(tenant: Tenant, overrides: Record<string, any> = {}, merchant?: TwigMerchant, now = new Date()): Promise<OrderView> {
  const body = twigInitBody(merchant ? { ...overrides, merchant } : overrides);
  return initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(body, now), now);
}

/** A Twig order the customer authorized in test mode (220.00 USD held, nothing captured). */
export async function authorizedTwigOrder(tenant: Tenant, overrides: Record<string, any> = {}, merchant?: TwigMerchant): Promise<OrderView> {
  const order = await twigOrder(tenant, overrides, merchant);
  await authorizeTestPayment(tenant.business.id, order.id);
  return (await getOrder(tenant.business.id, order.id))!;
}
