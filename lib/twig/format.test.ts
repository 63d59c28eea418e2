import { describe, expect, it } from "vitest";
import { ORDER_STATUSES, type OrderStatus } from "@/db/schema";
import { seedInitPayload, twigOrderView } from "@/lib/testing/twig-examples";
import { toTwigOrder, twigDocument, twigOperations, twigStatus } from "./format";
import { parseTwigDocument } from "./patch";
import { parseTwigInit } from "./schema";

const NOW = new Date("2024-05-01T12:00:00.000Z");
const seedInput = () => parseTwigInit(seedInitPayload(), NOW);

const row = (status: OrderStatus, authorized: number, captured: number, refunded: number) => ({
  status,
  authorizedMinor: BigInt(authorized),
  capturedMinor: BigInt(captured),
  refundedMinor: BigInt(refunded),
});

describe("twigStatus and twigOperations", () => {
  // [internal status, authorized, captured, refunded] → Twig status, next operations
  const table: [OrderStatus, number, number, number, string, string[]][] = [
    ["pending", 0, 0, 0, "PENDING", ["VOID"]],
    ["authorized", 1000, 0, 0, "AUTHORIZED", ["VOID", "CAPTURE"]],
    ["authorized", 1000, 400, 0, "PARTIALLY_CAPTURED", ["CAPTURE", "REFUND"]],
    ["authorized", 1000, 400, 100, "PARTIALLY_REFUNDED", ["CAPTURE", "REFUND"]],
    ["authorized", 1000, 400, 400, "PARTIALLY_REFUNDED", ["CAPTURE"]],
    ["processing", 1000, 1000, 0, "CAPTURED", ["REFUND"]],
    ["completed", 1000, 1000, 0, "CAPTURED", ["REFUND"]],
    ["completed", 0, 0, 0, "CAPTURED", []],
    ["partially_refunded", 1000, 1000, 300, "PARTIALLY_REFUNDED", ["REFUND"]],
    ["refunded", 1000, 1000, 1000, "REFUNDED", []],
    ["cancelled", 1000, 0, 0, "CANCELLED", []],
    ["expired", 0, 0, 0, "EXPIRED", []],
  ];

  it.each(table)("%s (authorized %d, captured %d, refunded %d) → %s %j", (status, a, c, r, twig, ops) => {
    expect(twigStatus(row(status, a, c, r))).toBe(twig);
    expect(twigOperations(row(status, a, c, r))).toEqual(ops.map((type) => ({ type })));
  });

  it("covers every internal status", () => {
    expect(new Set(table.map(([status]) => status))).toEqual(new Set(ORDER_STATUSES));
  });
});

describe("toTwigOrder", () => {
  it("answers the seed's GET order object, amounts as decimal strings", () => {
    const view = twigOrderView(seedInput(), {
      status: "authorized",
      authorizedMinor: 150000n,
      statusReason: null,
      merchant: { confirmUrl: "https://shop.example/confirm", requiresValidateCallbackSuccess: true },
      expiresAt: new Date("2024-05-08T12:00:00.000Z"),
      updatedAt: new Date("2024-05-01T12:05:00.000Z"),
    });
    const address = {
      firstName: "John",
      lastName: "Doe",
      addressLine1: "123 Townsend St",
      addressLine2: "Floor 6",
      city: "San Francisco",
      country: "CA",
      postalCode: "94107",
      countryCode: "US",
    };
    expect(toTwigOrder(view)).toEqual({
      orderId: "order_twigexample0001",
      merchantOrderReference: "32123dsf",
      merchantDateCreated: "2021-11-09T18:32:04.646Z",
      dateCreated: "2024-05-01T12:00:00.000Z",
      status: "AUTHORIZED",
      reason: "",
      amount: { currencyCode: "USD", value: "1500.00", breakdown: { items: "1450.00", shipping: "30.00", tax: "20.00" } },
      customer: { firstName: "taulant", lastName: "taulant", email: "taulant@taulant.com", phoneNumber: null, locale: null },
      lineItems: [
        {
          itemId: "123",
          name: "T-Shirt",
          description: "Green XL",
          amount: "90.00",
          tax: "10.00",
          quantity: "1",
          imageUrl: "imageurl",
          category: "PHYSICAL_GOODS",
          categoryHierarchy: ["T-shirt", "Polo", "RED"],
          metadata: "some metadata",
        },
        {
          itemId: "321",
          name: "Shoes",
          description: "Running, Size 10.5",
          amount: "45.00",
          tax: "5.00",
          quantity: "2",
          imageUrl: "imageurl",
          category: "PHYSICAL_GOODS",
          categoryHierarchy: null,
          metadata: null,
        },
      ],
      shipping: { method: "United States Postal Service", amount: "20.00", address },
      billing: { address },
      operations: [{ type: "VOID" }, { type: "CAPTURE" }],
      merchant: {
        confirmUrl: "https://shop.example/confirm",
        cancelUrl: null,
        validationUrl: null,
        pushUrl: null,
        requiresValidateCallbackSuccess: true,
        captureOnExpire: false,
      },
      expiration: "2024-05-08T12:00:00.000Z",
      authorizedAmount: "1500.00",
      capturedAmount: "0.00",
      refundedAmount: "0.00",
      updatedAt: "2024-05-01T12:05:00.000Z",
    });
  });

  it("shows billing and expiration as null when absent, the reason when set, and the currency's exponent", () => {
    const body = seedInitPayload();
    delete body.billing;
    body.amount = { currencyCode: "KWD", value: "1.500", breakdown: { items: "1.25", shipping: "0.2", tax: "0.05" } };
    const order = toTwigOrder(twigOrderView(parseTwigInit(body, NOW), { status: "cancelled", statusReason: "Customer changed their mind" }));
    expect(order.billing).toBeNull();
    expect(order.expiration).toBeNull();
    expect(order.status).toBe("CANCELLED");
    expect(order.reason).toBe("Customer changed their mind");
    expect(order.operations).toEqual([]);
    expect(order.amount).toEqual({ currencyCode: "KWD", value: "1.500", breakdown: { items: "1.250", shipping: "0.200", tax: "0.050" } });
    expect(order.lineItems[0]!.amount).toBe("90.000");
    expect(order.merchant).toEqual({
      confirmUrl: null,
      cancelUrl: null,
      validationUrl: null,
      pushUrl: null,
      requiresValidateCallbackSuccess: false,
      captureOnExpire: false,
    });
  });
});

describe("twigDocument", () => {
  it("is the order in init form: it parses back to the values stored", () => {
    const input = seedInput();
    const doc = twigDocument(twigOrderView(input));
    expect(doc.dateCreated).toBe("2021-11-09T18:32:04.646Z");
    expect(doc).not.toHaveProperty("orderId");
    const again = parseTwigDocument(doc, NOW);
    // Merchant comes back with all six keys (the stored defaults made explicit).
    expect({ ...again, merchant: null }).toEqual(input);
    expect(again.merchant).toEqual({
      confirmUrl: null,
      cancelUrl: null,
      validationUrl: null,
      pushUrl: null,
      requiresValidateCallbackSuccess: false,
      captureOnExpire: false,
    });
  });
});
