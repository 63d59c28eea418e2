import { describe, expect, it } from "vitest";
import { erasureSummary } from "./privacy";

describe("erasureSummary", () => {
  it("says what was deleted and what was anonymised, in words", () => {
    expect(
      erasureSummary({ customers: 1, carts: 2, cartItems: 3, recoveryMessages: 1, recoveryLinks: 0, events: 5, webhookDeliveries: 3, ordersAnonymised: 1, checkoutSessionsAnonymised: 0 }),
    ).toBe("Deleted 2 carts, 1 recovery email, 5 timeline events and 3 webhook deliveries; anonymised 1 order.");
    expect(erasureSummary({ customers: 1, carts: 0 })).toBe("Deleted the contact.");
    expect(erasureSummary({ customers: 0, ordersAnonymised: 2, checkoutSessionsAnonymised: 1 })).toBe("anonymised 2 orders and 1 checkout.");
    expect(erasureSummary({ customers: 0, carts: 0 })).toBe("Nothing was stored for this email. The request was logged.");
  });
});
