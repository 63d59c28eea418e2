import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { seedInitPayload, seedPatchUpdates } from "@/lib/testing/twig-examples";
import { parseOperation, parsePatch, parseTwigInit } from "./schema";

const NOW = new Date("2024-05-01T12:00:00.000Z");

/** The ApiError `fn` throws. */
function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

function initWith(change: (body: Record<string, any>) => void) {
  const body = seedInitPayload();
  change(body);
  return body;
}

const initError = (change: (body: Record<string, any>) => void) => failure(() => parseTwigInit(initWith(change), NOW));

/** Deletes `a.b[0].c` from the object. */
function remove(body: Record<string, any>, path: string) {
  const keys = path.split(/\.|\[(\d+)\]/).filter(Boolean);
  const last = keys.pop()!;
  const parent = keys.reduce((at, k) => at[k], body);
  delete parent[last];
}

describe("parseTwigInit", () => {
  it("parses the seed's example payload with exact minor units", () => {
    const input = parseTwigInit(seedInitPayload(), NOW);
    expect(input.merchantOrderReference).toBe("32123dsf");
    expect(input.currency).toBe("USD");
    expect(input.amount).toEqual({ valueMinor: 150000n, itemsMinor: 145000n, taxMinor: 2000n, shippingMinor: 3000n });
    expect(input.dateCreated).toEqual(new Date("2021-11-09T18:32:04.646Z"));
    expect(input.customer).toEqual({ firstName: "taulant", lastName: "taulant", email: "taulant@taulant.com", phoneNumber: null, locale: null });
    expect(input.lineItems).toEqual([
      {
        itemId: "123",
        name: "T-Shirt",
        description: "Green XL",
        category: "PHYSICAL_GOODS",
        categoryHierarchy: ["T-shirt", "Polo", "RED"],
        metadata: "some metadata",
        quantity: 1,
        amountMinor: 9000n,
        taxMinor: 1000n,
        imageUrl: "imageurl",
      },
      {
        itemId: "321",
        name: "Shoes",
        description: "Running, Size 10.5",
        category: "PHYSICAL_GOODS",
        categoryHierarchy: null,
        metadata: null,
        quantity: 2,
        amountMinor: 4500n,
        taxMinor: 500n,
        imageUrl: "imageurl",
      },
    ]);
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
    // The seed's shipping.amount "20" is not its breakdown.shipping "30.00": they are not reconciled.
    expect(input.shipping).toEqual({ method: "United States Postal Service", amountMinor: 2000n, address });
    expect(input.billing).toEqual({ address });
    expect(input.merchant).toBeNull();
    expect(input.expiration).toBeNull();
  });

  it("converts by the currency's exponent, from strings and numbers alike", () => {
    const jpy = parseTwigInit(
      initWith((b) => {
        b.amount = { currencyCode: "jpy", value: 1500, breakdown: { items: "1450", shipping: "30", tax: 20 } };
        b.lineItems[0].amount = "90";
        b.lineItems[0].tax = 10;
        b.lineItems[1].amount = "45.000";
        b.lineItems[1].tax = "5";
      }),
      NOW,
    );
    expect(jpy.currency).toBe("JPY");
    expect(jpy.amount).toEqual({ valueMinor: 1500n, itemsMinor: 1450n, taxMinor: 20n, shippingMinor: 30n });
    expect(jpy.lineItems.map((i) => [i.amountMinor, i.taxMinor])).toEqual([
      [90n, 10n],
      [45n, 5n],
    ]);
    expect(jpy.shipping.amountMinor).toBe(20n);

    const kwd = parseTwigInit(
      initWith((b) => {
        b.amount = { currencyCode: "KWD", value: "1.005", breakdown: { items: "1.000", shipping: 0.003, tax: "0.002" } };
        b.lineItems[0].amount = "0.5";
      }),
      NOW,
    );
    expect(kwd.amount).toEqual({ valueMinor: 1005n, itemsMinor: 1000n, taxMinor: 2n, shippingMinor: 3n });
    expect(kwd.lineItems[0]!.amountMinor).toBe(500n);
    expect(kwd.lineItems[0]!.taxMinor).toBe(10000n);
  });

  it("adds decimals exactly: 0.1 + 0.2 = 0.3", () => {
    for (const [items, tax, value] of [
      ["0.1", "0.2", "0.3"],
      [0.1, 0.2, 0.3],
    ]) {
      const input = parseTwigInit(
        initWith((b) => {
          b.amount = { currencyCode: "USD", value, breakdown: { items, tax, shipping: "0" } };
        }),
        NOW,
      );
      expect(input.amount).toEqual({ valueMinor: 30n, itemsMinor: 10n, taxMinor: 20n, shippingMinor: 0n });
    }
  });

  it("names each missing required field", () => {
    const required = [
      "merchantOrderReference",
      "dateCreated",
      "amount",
      "amount.currencyCode",
      "amount.value",
      "amount.breakdown",
      "amount.breakdown.items",
      "amount.breakdown.tax",
      "amount.breakdown.shipping",
      "customer",
      "customer.firstName",
      "customer.lastName",
      "customer.email",
      "lineItems",
      "lineItems[0].itemId",
      "lineItems[0].name",
      "lineItems[0].description",
      "lineItems[0].category",
      "lineItems[0].quantity",
      "lineItems[0].amount",
      "lineItems[0].tax",
      "lineItems[1].imageUrl",
      "shipping",
      "shipping.method",
      "shipping.amount",
      "shipping.address",
      "shipping.address.firstName",
      "shipping.address.lastName",
      "shipping.address.addressLine1",
      "shipping.address.city",
      "shipping.address.country",
      "shipping.address.postalCode",
      "shipping.address.countryCode",
      "billing.address",
      "billing.address.countryCode",
    ];
    for (const path of required) {
      const err = initError((b) => remove(b, path));
      expect({ path, kind: err.kind, field: err.field, message: err.message }).toEqual({
        path,
        kind: "validation",
        field: path,
        message: `${path}: is required`,
      });
    }
  });

  it("treats the listed optional fields as optional", () => {
    for (const path of ["billing", "lineItems[0].categoryHierarchy", "lineItems[0].metadata", "shipping.address.addressLine2"]) {
      expect(() => parseTwigInit(initWith((b) => remove(b, path)), NOW), path).not.toThrow();
    }
    const input = parseTwigInit(initWith((b) => remove(b, "billing")), NOW);
    expect(input.billing).toBeNull();
    expect(parseTwigInit(initWith((b) => remove(b, "shipping.address.addressLine2")), NOW).shipping.address.addressLine2).toBeNull();
  });

  it("refuses a breakdown that does not add up to amount.value, naming amount.value", () => {
    const err = initError((b) => (b.amount.breakdown.tax = "10.00"));
    expect(err.field).toBe("amount.value");
    expect(err.message).toBe("amount.value: must equal breakdown items + tax + shipping, which add up to 1490.00");
  });

  it("reports the breakdown rule even when other fields are wrong too", () => {
    const err = initError((b) => {
      b.amount.value = "1.00";
      b.customer.email = "nope";
    });
    expect(err.field).toBe("amount.value");
    expect(err.options.issues?.map((i) => i.field)).toEqual(["amount.value", "customer.email"]);
  });

  it("refuses negative, zero totals, too precise, non-finite, exponent and huge amounts on their field", () => {
    const cases: [string, (b: Record<string, any>) => void, string][] = [
      ["lineItems[0].amount", (b) => (b.lineItems[0].amount = "-1.00"), "must not be negative"],
      ["lineItems[1].tax", (b) => (b.lineItems[1].tax = -5), "must not be negative"],
      ["shipping.amount", (b) => (b.shipping.amount = "-0.01"), "must not be negative"],
      ["amount.value", (b) => (b.amount = { currencyCode: "USD", value: "0", breakdown: { items: "0", tax: "0", shipping: "0" } }), "must be greater than 0"],
      ["amount.breakdown.items", (b) => (b.amount.breakdown.items = "1450.001"), "USD amounts have at most 2 decimal places"],
      ["lineItems[0].amount", (b) => (b.lineItems[0].amount = 29.999), "USD amounts have at most 2 decimal places"],
      ["amount.value", (b) => (b.amount.value = "NaN"), '"NaN" is not a decimal amount'],
      ["amount.value", (b) => (b.amount.value = "Infinity"), '"Infinity" is not a decimal amount'],
      ["amount.value", (b) => (b.amount.value = "1.5e3"), '"1.5e3" is not a decimal amount'],
      ["amount.value", (b) => (b.amount.value = "1,500.00"), '"1,500.00" is not a decimal amount'],
      ["amount.value", (b) => (b.amount.value = NaN), "must be a decimal string or number"],
      ["amount.value", (b) => (b.amount.value = Infinity), "must be a decimal string or number"],
      ["amount.value", (b) => (b.amount.value = 1e21), "1e+21 is out of range"],
      ["amount.value", (b) => (b.amount.value = "1000000000.00"), "must be at most 999999999.99"],
      ["lineItems[0].amount", (b) => (b.lineItems[0].amount = "99999999999999999999999999"), "must be at most 999999999.99"],
      ["amount.value", (b) => (b.amount.value = true), "must be a decimal string or number"],
      ["amount.value", (b) => (b.amount.value = { value: 1 }), "must be a decimal string or number"],
    ];
    for (const [field, change, message] of cases) {
      const err = initError(change);
      expect({ field: err.field, message: err.message }).toEqual({ field, message: `${field}: ${message}` });
    }
  });

  it("uses the order currency for line items and shipping", () => {
    const err = initError((b) => {
      b.amount = { currencyCode: "JPY", value: "1500", breakdown: { items: "1450", shipping: "30", tax: "20" } };
      b.lineItems = [{ ...b.lineItems[0], amount: "90", tax: "10" }];
      b.shipping.amount = "20.50";
    });
    expect(err.message).toBe("shipping.amount: JPY amounts have no decimal places");
  });

  it("reads quantity from a digit string or a whole number", () => {
    const quantityOf = (q: unknown) => parseTwigInit(initWith((b) => (b.lineItems[0].quantity = q)), NOW).lineItems[0]!.quantity;
    expect(quantityOf("1")).toBe(1);
    expect(quantityOf(3)).toBe(3);
    expect(quantityOf(" 12 ")).toBe(12);
    for (const [bad, message] of [
      ["0", "must be at least 1"],
      [0, "must be at least 1"],
      [-1, "must be at least 1"],
      [1.5, "must be a whole number"],
      ["1.5", "must be a whole number"],
      ["-1", "must be a whole number"],
      ["1e3", "must be a whole number"],
      ["", "must be a whole number"],
      [1_000_000, "must be at most 999999"],
      [null, "must be a whole number"],
    ] as const) {
      const err = initError((b) => (b.lineItems[0].quantity = bad));
      expect({ bad, message: err.message }).toEqual({ bad, message: `lineItems[0].quantity: ${message}` });
    }
  });

  it("validates currency, email, country codes, dates and merchant URLs", () => {
    const cases: [string, (b: Record<string, any>) => void, string][] = [
      ["amount.currencyCode", (b) => (b.amount.currencyCode = "XXX"), "must be an ISO 4217 currency code"],
      ["customer.email", (b) => (b.customer.email = "taulant"), "must be a valid email address"],
      ["customer.phoneNumber", (b) => (b.customer.phoneNumber = "call me"), "must be a valid phone number"],
      ["customer.locale", (b) => (b.customer.locale = "english please"), 'must be a language tag like "en-US"'],
      ["shipping.address.countryCode", (b) => (b.shipping.address.countryCode = "USA"), "must be an ISO 3166-1 alpha-2 country code"],
      ["billing.address.countryCode", (b) => (b.billing.address.countryCode = "XK&AL"), "must be an ISO 3166-1 alpha-2 country code"],
      ["shipping.address.city", (b) => (b.shipping.address.city = "   "), "must not be empty"],
      ["dateCreated", (b) => (b.dateCreated = "2021-11-09T18:32:04"), "must be an ISO 8601 date-time with a zone, e.g. 2021-11-09T18:32:04.646+00:00"],
      ["dateCreated", (b) => (b.dateCreated = "2021-11-09"), "must be an ISO 8601 date-time with a zone, e.g. 2021-11-09T18:32:04.646+00:00"],
      ["dateCreated", (b) => (b.dateCreated = "2021-02-30T10:00:00Z"), "must be an ISO 8601 date-time with a zone, e.g. 2021-11-09T18:32:04.646+00:00"],
      ["merchant.confirmUrl", (b) => (b.merchant = { confirmUrl: "merchant.confirm.redirect.url" }), "must be a valid http(s) URL"],
      ["merchant.pushUrl", (b) => (b.merchant = { pushUrl: "ftp://merchant.example/push" }), "must be a valid http(s) URL"],
      ["merchant.captureOnExpire", (b) => (b.merchant = { captureOnExpire: "false" }), "must be true or false"],
      ["lineItems", (b) => (b.lineItems = []), "at least one line item is required"],
      ["lineItems", (b) => (b.lineItems = Array.from({ length: 101 }, (_, i) => ({ ...b.lineItems[0], itemId: `i${i}` }))), "at most 100 line items"],
      ["lineItems[1].itemId", (b) => (b.lineItems[1].itemId = "123"), "duplicates lineItems[0].itemId"],
      ["lineItems[0].categoryHierarchy", (b) => (b.lineItems[0].categoryHierarchy = "T-shirt"), "must be an array of strings"],
    ];
    for (const [field, change, message] of cases) {
      const err = initError(change);
      expect({ field: err.field, message: err.message }).toEqual({ field, message: `${field}: ${message}` });
    }
  });

  it("normalizes codes and keeps Kosovo's XK, which the seed uses", () => {
    const input = parseTwigInit(
      initWith((b) => {
        b.amount.currencyCode = " usd ";
        b.shipping.address.countryCode = "xk";
        b.customer.email = "Taulant@Taulant.COM";
        b.customer.locale = "en-US";
        b.customer.phoneNumber = "+332212323";
      }),
      NOW,
    );
    expect(input.currency).toBe("USD");
    expect(input.shipping.address.countryCode).toBe("XK");
    expect(input.customer).toMatchObject({ email: "taulant@taulant.com", locale: "en-US", phoneNumber: "+332212323" });
  });

  it("keeps only the merchant keys sent, so registration defaults fill the rest", () => {
    const input = parseTwigInit(
      initWith((b) => (b.merchant = { confirmUrl: "https://shop.example/confirm", requiresValidateCallbackSuccess: true, pushUrl: null })),
      NOW,
    );
    expect(input.merchant).toEqual({ confirmUrl: "https://shop.example/confirm", requiresValidateCallbackSuccess: true, pushUrl: null });
  });

  it("bounds expiration to the next 30 days", () => {
    const at = (iso: string) => parseTwigInit(initWith((b) => (b.expiration = iso)), NOW).expiration;
    expect(at("2024-05-08T12:00:00Z")).toEqual(new Date("2024-05-08T12:00:00Z"));
    expect(at("2024-05-31T12:00:00+00:00")).toEqual(new Date("2024-05-31T12:00:00Z"));
    expect(initError((b) => (b.expiration = "2024-05-01T11:59:59Z")).message).toBe("expiration: must be in the future");
    expect(initError((b) => (b.expiration = "2024-05-31T12:00:01Z")).message).toBe("expiration: must be at most 30 days ahead");
    expect(parseTwigInit(initWith((b) => (b.expiration = null)), NOW).expiration).toBeNull();
  });

  it("ignores unknown keys and refuses a body that is not an object", () => {
    const input = parseTwigInit(initWith((b) => Object.assign(b, { orderId: "x", extra: { a: 1 } })), NOW);
    expect(input).not.toHaveProperty("extra");
    for (const body of [null, undefined, [], "{}", 42]) {
      const err = failure(() => parseTwigInit(body, NOW));
      expect(err.field).toBe("body");
    }
  });
});

describe("parseOperation", () => {
  const capture = {
    orderId: "order_01hxyz",
    id: "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
    amount: "10.50",
    currencyCode: "USD",
    dateCreated: "2024-05-01T12:00:00.000+02:00",
    message: "ship it",
  };

  it("parses capture and refund with the amount in currencyCode's minor units", () => {
    expect(parseOperation(capture, "capture")).toEqual({
      orderId: "order_01hxyz",
      id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
      amountMinor: 1050n,
      currency: "USD",
      dateCreated: new Date("2024-05-01T10:00:00.000Z"),
      message: "ship it",
    });
    expect(parseOperation({ ...capture, amount: 10, currencyCode: "kwd" }, "refund")).toMatchObject({ amountMinor: 10000n, currency: "KWD" });
    expect(parseOperation({ ...capture, amount: "1000", currencyCode: "JPY", message: undefined }, "refund")).toMatchObject({
      amountMinor: 1000n,
      message: null,
    });
  });

  it("parses cancel without amount or currency", () => {
    const input = parseOperation({ ...capture, amount: "abc", currencyCode: undefined }, "cancel");
    expect(input).toEqual({ orderId: "order_01hxyz", id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", dateCreated: new Date("2024-05-01T10:00:00.000Z"), message: "ship it" });
  });

  it("names the bad field", () => {
    const cases: [Record<string, unknown>, "capture" | "refund" | "cancel", string][] = [
      [{ ...capture, id: "not-a-uuid" }, "capture", "id: must be a UUID"],
      [{ ...capture, id: "3f2504e04f8941d39a0c0305e82c3301" }, "refund", "id: must be a UUID"],
      [{ ...capture, id: undefined }, "cancel", "id: is required"],
      [{ ...capture, orderId: undefined }, "cancel", "orderId: is required"],
      [{ ...capture, dateCreated: "yesterday" }, "cancel", "dateCreated: must be an ISO 8601 date-time with a zone, e.g. 2021-11-09T18:32:04.646+00:00"],
      [{ ...capture, amount: "0" }, "capture", "amount: must be greater than 0"],
      [{ ...capture, amount: "0.00" }, "refund", "amount: must be greater than 0"],
      [{ ...capture, amount: "-5" }, "refund", "amount: must not be negative"],
      [{ ...capture, amount: "10.001" }, "capture", "amount: USD amounts have at most 2 decimal places"],
      [{ ...capture, amount: "1e2" }, "capture", 'amount: "1e2" is not a decimal amount'],
      [{ ...capture, amount: undefined }, "capture", "amount: is required"],
      [{ ...capture, currencyCode: undefined }, "refund", "currencyCode: is required"],
      [{ ...capture, currencyCode: "EURO" }, "refund", "currencyCode: must be an ISO 4217 currency code"],
      [{ ...capture, message: "x".repeat(501) }, "cancel", "message: must be at most 500 characters"],
    ];
    for (const [body, kind, message] of cases) expect(failure(() => parseOperation(body, kind as "capture")).message).toBe(message);
  });
});

describe("parsePatch", () => {
  it("parses the seed's example: value as a JSON string literal", () => {
    const patch = parsePatch({ orderId: "order_01hxyz", updateItems: seedPatchUpdates() });
    expect(patch).toEqual({
      orderId: "order_01hxyz",
      updateItems: [
        { operation: "UPDATE", field: "amount", value: { currencyCode: "USD", value: 111, breakdown: { items: 111, shipping: 111, tax: 111 } } },
        { operation: "UPDATE", field: "billing", value: { address: { country: "XK", postalCode: "10000000000", countryCode: "XK&AL" } } },
        { operation: "DELETE", field: "lineItems", id: "itemId" },
      ],
    });
  });

  it("accepts the value as an object too, and ids for lineItems updates", () => {
    const patch = parsePatch({
      orderId: "o",
      updateItems: [{ operation: "UPDATE", field: "lineItems", id: "123", value: { quantity: "2" } }],
    });
    expect(patch.updateItems).toEqual([{ operation: "UPDATE", field: "lineItems", id: "123", value: { quantity: "2" } }]);
  });

  it("reads expiration's value as a JSON string literal of the date, a bare date, or null", () => {
    const value = (v: unknown) => (parsePatch({ orderId: "o", updateItems: [{ operation: "UPDATE", field: "expiration", value: v }] }).updateItems[0] as { value: unknown }).value;
    expect(value('"2026-12-01T00:00:00Z"')).toBe("2026-12-01T00:00:00Z");
    expect(value("2026-12-01T00:00:00Z")).toBe("2026-12-01T00:00:00Z");
    expect(value("null")).toBeNull();
    expect(value(null)).toBeNull();
  });

  it("names the bad update", () => {
    const cases: [unknown, string][] = [
      [{ operation: "DELETE", field: "amount" }, "updateItems[0].operation: DELETE works only for field lineItems"],
      [{ operation: "DELETE", field: "billing", id: "x" }, "updateItems[0].operation: DELETE works only for field lineItems"],
      [{ operation: "DELETE", field: "lineItems" }, "updateItems[0].id: is required for lineItems"],
      [{ operation: "UPDATE", field: "lineItems", value: "{}" }, "updateItems[0].id: is required for lineItems"],
      [{ operation: "UPDATE", field: "amount" }, "updateItems[0].value: is required"],
      [{ operation: "UPDATE", field: "amount", value: "{not json" }, "updateItems[0].value: must be a JSON object in a string literal"],
      [{ operation: "UPDATE", field: "amount", value: "[1,2]" }, "updateItems[0].value: must be a JSON object in a string literal"],
      [{ operation: "UPDATE", field: "amount", value: "111" }, "updateItems[0].value: must be a JSON object in a string literal"],
      [{ operation: "UPDATE", field: "amount", value: null }, "updateItems[0].value: must be a JSON object in a string literal"],
      [{ operation: "UPDATE", field: "expiration", value: 5 }, 'updateItems[0].value: must be a JSON string literal of a date, e.g. "\\"2026-12-01T00:00:00Z\\""'],
      [{ operation: "UPDATE", field: "expiration", value: '{"expiration":"2026-12-01T00:00:00Z"}' }, 'updateItems[0].value: must be a JSON string literal of a date, e.g. "\\"2026-12-01T00:00:00Z\\""'],
      [{ operation: "UPDATE", field: "status", value: "{}" }, "updateItems[0].field: must be one of amount, customer, shipping, billing, merchant, lineItems, expiration"],
      [{ operation: "UPDATE", field: "merchantOrderReference", value: "{}" }, "updateItems[0].field: must be one of amount, customer, shipping, billing, merchant, lineItems, expiration"],
      [{ operation: "REPLACE", field: "amount", value: "{}" }, 'updateItems[0].operation: must be "UPDATE" or "DELETE"'],
      [{ field: "amount", value: "{}" }, "updateItems[0].operation: is required"],
    ];
    for (const [update, message] of cases) expect(failure(() => parsePatch({ orderId: "o", updateItems: [update] })).message).toBe(message);
  });

  it("takes 1 to 50 updates and an orderId", () => {
    const one = { operation: "UPDATE", field: "customer", value: "{}" };
    expect(failure(() => parsePatch({ orderId: "o", updateItems: [] })).message).toBe("updateItems: at least one update is required");
    expect(failure(() => parsePatch({ orderId: "o", updateItems: Array(51).fill(one) })).message).toBe("updateItems: at most 50 updates");
    expect(parsePatch({ orderId: "o", updateItems: Array(50).fill(one) }).updateItems).toHaveLength(50);
    expect(failure(() => parsePatch({ updateItems: [one] })).message).toBe("orderId: is required");
    expect(failure(() => parsePatch("nope")).field).toBe("body");
  });
});
