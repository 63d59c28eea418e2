import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { seedInitPayload, seedPatchUpdates, twigOrderView } from "@/lib/testing/twig-examples";
import { twigDocument } from "./format";
import { applyPatch, applyUpdates, parseTwigDocument } from "./patch";
import { parsePatch, parseTwigInit, type TwigUpdate } from "./schema";

const NOW = new Date("2024-05-01T12:00:00.000Z");
const view = (overrides = {}) => twigOrderView(parseTwigInit(seedInitPayload(), NOW), overrides);

/** The updates as parsePatch reads them from a request body. */
const updates = (...items: Record<string, unknown>[]): TwigUpdate[] => parsePatch({ orderId: "order_twigexample0001", updateItems: items }).updateItems;

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

const [seedAmount, seedBilling, seedDelete] = seedPatchUpdates() as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
const consistentAmount = {
  operation: "UPDATE",
  field: "amount",
  value: '{"currencyCode":"USD","value":333,"breakdown":{"items":111,"shipping":111,"tax":111}}',
};

describe("the seed's PATCH example", () => {
  it("is refused as a whole: its DELETE names an itemId no line item has", () => {
    const err = failure(() => applyPatch(view(), updates(...seedPatchUpdates()), NOW));
    expect(err.field).toBe("updateItems[2].id");
    expect(err.message).toBe('updateItems[2].id: no line item has itemId "itemId"');
  });

  it("refuses its amount update: 111 is not 111 + 111 + 111", () => {
    const err = failure(() => applyPatch(view(), updates(seedAmount), NOW));
    expect(err.kind).toBe("validation");
    expect(err.field).toBe("amount.value");
    expect(err.message).toBe("amount.value: must equal breakdown items + tax + shipping, which add up to 333.00");
  });

  it("refuses its billing update's countryCode XK&AL, naming the update", () => {
    const err = failure(() => applyPatch(view(), updates(seedAmount, seedBilling), NOW));
    expect(err.field).toBe("amount.value");
    expect(err.options.issues?.map((i) => i.field)).toEqual(["amount.value", "updateItems[1].value.address.countryCode"]);
  });

  it("passes once the amounts add up and the country code is one", () => {
    const billing = { ...seedBilling, value: '{"address":{"country":"XK","postalCode":"10000000000","countryCode":"XK"}}' };
    const input = applyPatch(view(), updates(consistentAmount, billing, { ...seedDelete, id: "321" }), NOW);
    expect(input.amount).toEqual({ valueMinor: 33300n, itemsMinor: 11100n, taxMinor: 11100n, shippingMinor: 11100n });
    expect(input.billing).toEqual({
      address: {
        firstName: "John",
        lastName: "Doe",
        addressLine1: "123 Townsend St",
        addressLine2: "Floor 6",
        city: "San Francisco",
        country: "XK",
        postalCode: "10000000000",
        countryCode: "XK",
      },
    });
    expect(input.lineItems.map((i) => i.itemId)).toEqual(["123"]);
    // Not patchable: they stay the stored order's.
    expect(input.merchantOrderReference).toBe("32123dsf");
    expect(input.dateCreated).toEqual(new Date("2021-11-09T18:32:04.646Z"));
  });
});

describe("applyUpdates", () => {
  it("deep-merges object values and leaves the document it was given alone", () => {
    const doc = twigDocument(view());
    const before = structuredClone(doc);
    const out = applyUpdates(doc, updates({ operation: "UPDATE", field: "shipping", value: { address: { city: "Oakland" }, amount: "25.00" } }));
    expect(doc).toEqual(before);
    expect(out.shipping).toEqual({ ...doc.shipping, amount: "25.00", address: { ...doc.shipping.address, city: "Oakland" } });
    expect(out.amount).toEqual(doc.amount);
  });

  it("merges a lineItems update into the item with that itemId; arrays replace", () => {
    const doc = twigDocument(view());
    const out = applyUpdates(doc, updates({ operation: "UPDATE", field: "lineItems", id: "123", value: '{"quantity":"3","categoryHierarchy":["Polo"]}' }));
    expect(out.lineItems).toEqual([{ ...doc.lineItems[0], quantity: "3", categoryHierarchy: ["Polo"] }, doc.lineItems[1]]);
  });

  it("deletes a line item, but neither an unknown one nor the last one", () => {
    const doc = twigDocument(view());
    expect((applyUpdates(doc, updates({ operation: "DELETE", field: "lineItems", id: "123" })).lineItems as unknown[]).length).toBe(1);
    expect(failure(() => applyUpdates(doc, updates({ operation: "UPDATE", field: "lineItems", id: "999", value: "{}" }))).message).toBe(
      'updateItems[0].id: no line item has itemId "999"',
    );
    const err = failure(() =>
      applyUpdates(doc, updates({ operation: "DELETE", field: "lineItems", id: "123" }, { operation: "DELETE", field: "lineItems", id: "321" })),
    );
    expect(err.message).toBe("updateItems[1].id: is the last line item; an order needs at least one");
  });

  it("sets or clears the expiration", () => {
    const doc = twigDocument(view());
    expect(applyUpdates(doc, updates({ operation: "UPDATE", field: "expiration", value: '"2024-05-10T00:00:00Z"' })).expiration).toBe("2024-05-10T00:00:00Z");
    expect(applyUpdates(doc, updates({ operation: "UPDATE", field: "expiration", value: "null" })).expiration).toBeNull();
  });

  it("fills billing from nothing", () => {
    const doc = twigDocument(view({ billing: null }));
    expect(applyUpdates(doc, updates({ operation: "UPDATE", field: "billing", value: '{"address":{"city":"Pristina"}}' })).billing).toEqual({
      address: { city: "Pristina" },
    });
  });

  it("does not let __proto__ in a value reach Object.prototype", () => {
    const doc = twigDocument(view());
    const out = applyUpdates(doc, updates({ operation: "UPDATE", field: "customer", value: '{"__proto__":{"polluted":true},"firstName":"Ana"}' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out.customer)).toBe(Object.prototype);
    expect(out.customer).toMatchObject({ firstName: "Ana" });
  });
});

describe("applyPatch validation", () => {
  it("names the update and the key inside its value", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ operation: "UPDATE", field: "amount", value: '{"breakdown":{"items":"abc"}}' }, 'updateItems[0].value.breakdown.items: "abc" is not a decimal amount'],
      [{ operation: "UPDATE", field: "lineItems", id: "321", value: '{"amount":"1.001"}' }, "updateItems[0].value.amount: USD amounts have at most 2 decimal places"],
      [{ operation: "UPDATE", field: "lineItems", id: "321", value: { quantity: 0 } }, "updateItems[0].value.quantity: must be at least 1"],
      [{ operation: "UPDATE", field: "merchant", value: '{"pushUrl":"merchant.push.url"}' }, "updateItems[0].value.pushUrl: must be a valid http(s) URL"],
      [{ operation: "UPDATE", field: "customer", value: '{"email":"nope"}' }, "updateItems[0].value.email: must be a valid email address"],
      [{ operation: "UPDATE", field: "lineItems", id: "321", value: '{"itemId":"123"}' }, "updateItems[0].value.itemId: duplicates lineItems[0].itemId"],
      [{ operation: "UPDATE", field: "expiration", value: '"2024-04-01T00:00:00Z"' }, "updateItems[0].value: must be in the future"],
      [{ operation: "UPDATE", field: "expiration", value: '"2024-07-01T00:00:00Z"' }, "updateItems[0].value: must be at most 30 days ahead"],
    ];
    for (const [update, message] of cases) expect(failure(() => applyPatch(view(), updates(update), NOW)).message).toBe(message);
  });

  it("re-checks the breakdown rule when only part of the amount changes", () => {
    const err = failure(() => applyPatch(view(), updates({ operation: "UPDATE", field: "amount", value: '{"breakdown":{"tax":"25.00"}}' }), NOW));
    expect(err.message).toBe("amount.value: must equal breakdown items + tax + shipping, which add up to 1505.00");
    const ok = applyPatch(view(), updates({ operation: "UPDATE", field: "amount", value: '{"value":"1505.00","breakdown":{"tax":"25.00"}}' }), NOW);
    expect(ok.amount).toEqual({ valueMinor: 150500n, itemsMinor: 145000n, taxMinor: 2500n, shippingMinor: 3000n });
  });

  it("names the document path for what no update sent", () => {
    const err = failure(() => applyPatch(view({ billing: null }), updates({ operation: "UPDATE", field: "billing", value: '{"address":{"city":"Pristina"}}' }), NOW));
    expect(err.field).toBe("billing.address.firstName");
    expect(err.message).toBe("billing.address.firstName: is required");
  });

  it("applies a valid line item update with the new amounts", () => {
    const input = applyPatch(
      view(),
      updates(
        { operation: "UPDATE", field: "lineItems", id: "123", value: '{"quantity":"3","amount":"80.00"}' },
        { operation: "UPDATE", field: "amount", value: '{"value":"1480.00","breakdown":{"items":"1430.00"}}' },
      ),
      NOW,
    );
    expect(input.lineItems[0]).toMatchObject({ itemId: "123", quantity: 3, amountMinor: 8000n, taxMinor: 1000n, name: "T-Shirt" });
    expect(input.amount.valueMinor).toBe(148000n);
  });

  it("keeps a stored expiration that an update does not touch, even one already past", () => {
    const stored = new Date("2024-04-30T00:00:00.000Z");
    const input = applyPatch(view({ expiresAt: stored }), updates({ operation: "UPDATE", field: "customer", value: '{"locale":"sq-XK"}' }), NOW);
    expect(input.expiration).toEqual(stored);
    expect(input.customer.locale).toBe("sq-XK");
    const set = applyPatch(view(), updates({ operation: "UPDATE", field: "expiration", value: '"2024-05-10T00:00:00+02:00"' }), NOW);
    expect(set.expiration).toEqual(new Date("2024-05-09T22:00:00.000Z"));
  });

  it("parseTwigDocument validates a document as an init", () => {
    const doc = twigDocument(view());
    expect(parseTwigDocument(doc, NOW).amount.valueMinor).toBe(150000n);
    expect(failure(() => parseTwigDocument({ ...doc, lineItems: [] }, NOW)).message).toBe("lineItems: at least one line item is required");
  });
});
