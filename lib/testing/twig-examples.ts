import type { OrderView } from "@/lib/orders/queries";
import type { TwigInitInput } from "@/lib/twig/schema";

const SEED_ADDRESS = {
  firstName: "John",
  lastName: "Doe",
  addressLine1: "123 Townsend St",
  addressLine2: "Floor 6",
  city: "San Francisco",
  country: "CA",
  postalCode: "94107",
  countryCode: "US",
};

/** Seed 003's example init payload, verbatim (a fresh copy each call). */
export function seedInitPayload(): Record<string, any> {
  return {
    merchantOrderReference: "32123dsf",
    dateCreated: "2021-11-09T18:32:04.646+00:00",
    amount: {
      currencyCode: "USD",
      value: "1500.00",
      breakdown: { items: "1450.00", shipping: "30.00", tax: "20.00" },
    },
    customer: { firstName: "taulant", lastName: "taulant", email: "taulant@taulant.com" },
    lineItems: [
      {
        itemId: "123",
        name: "T-Shirt",
        description: "Green XL",
        imageUrl: "imageurl",
        amount: "90.0",
        tax: "10.00",
        quantity: "1",
        categoryHierarchy: ["T-shirt", "Polo", "RED"],
        metadata: "some metadata",
        category: "PHYSICAL_GOODS",
      },
      {
        itemId: "321",
        name: "Shoes",
        description: "Running, Size 10.5",
        imageUrl: "imageurl",
        amount: "45.00",
        tax: "5.00",
        quantity: "2",
        category: "PHYSICAL_GOODS",
      },
    ],
    shipping: {
      method: "United States Postal Service",
      amount: "20",
      address: { ...SEED_ADDRESS },
    },
    billing: {
      address: { ...SEED_ADDRESS },
    },
  };
}

/** Seed 003's example PATCH updateItems, verbatim. */
export function seedPatchUpdates(): Record<string, any>[] {
  return [
    {
      operation: "UPDATE",
      field: "amount",
      value: '{"currencyCode":"USD","value":111,"breakdown":{"items":111,"shipping":111,"tax":111}}',
    },
    {
      operation: "UPDATE",
      field: "billing",
      value: '{"address":{"country":"XK","postalCode":"10000000000","countryCode":"XK&AL"}}',
    },
    { operation: "DELETE", field: "lineItems", id: "itemId" },
  ];
}

/** An order row as the Twig service stores a parsed init (no database): a pending order by default. */
export function twigOrderView(input: TwigInitInput, overrides: Partial<OrderView> = {}): OrderView {
  const createdAt = new Date("2024-05-01T12:00:00.000Z");
  const id = "order_twigexample0001";
  return {
    id,
    businessId: "business_twigexample",
    source: "twig",
    checkoutSessionId: null,
    cartId: null,
    status: "pending",
    currency: input.currency,
    subtotalMinor: input.amount.itemsMinor,
    discountMinor: 0n,
    shippingMinor: input.amount.shippingMinor,
    taxMinor: input.amount.taxMinor,
    totalMinor: input.amount.valueMinor,
    capturedMinor: 0n,
    refundedMinor: 0n,
    authorizedMinor: 0n,
    customerEmail: input.customer.email,
    customer: {
      email: input.customer.email,
      firstName: input.customer.firstName,
      lastName: input.customer.lastName,
      phone: input.customer.phoneNumber,
      locale: input.customer.locale,
    },
    shipping: { method: input.shipping.method, amountMinor: input.shipping.amountMinor.toString(), address: input.shipping.address },
    billing: input.billing,
    customFields: null,
    metadata: null,
    merchantReference: input.merchantOrderReference,
    merchant: input.merchant,
    merchantCreatedAt: input.dateCreated,
    apiKeyId: null,
    cancellationReason: null,
    statusReason: null,
    authorizedAt: null,
    authorizationExpiresAt: null,
    validationStatus: null,
    createdAt,
    updatedAt: createdAt,
    paidAt: null,
    completedAt: null,
    cancelledAt: null,
    refundedAt: null,
    expiresAt: input.expiration,
    items: input.lineItems.map((item, position) => ({
      id: `item_example${position}`,
      businessId: "business_twigexample",
      orderId: id,
      position,
      itemId: item.itemId,
      name: item.name,
      description: item.description,
      variant: null,
      category: item.category,
      categoryHierarchy: item.categoryHierarchy,
      quantity: item.quantity,
      unitPriceMinor: item.amountMinor,
      taxMinor: item.taxMinor,
      imageUrl: item.imageUrl,
      metadata: item.metadata,
    })),
    payments: [],
    ...overrides,
  };
}
