import { describe, expect, it } from "vitest";
import { renderEmail, sampleContext, templateProblems, type EmailContext } from "./templates";

const ctx = (over: Partial<EmailContext> = {}): EmailContext => ({
  ...sampleContext("Acme & Sons", new Date("2025-03-12T17:00:00Z")),
  link: "https://shop.test/r/tok?m=msg_1",
  unsubscribeUrl: "https://shop.test/u/unsub",
  ...over,
});

const template = {
  subject: "{{#discount}}{{discount.label}}: {{/discount}}your cart at {{business.name}}",
  body: [
    "Hi {{customer.firstName}},",
    "{{cart.items}}",
    "Total: {{cart.total}}",
    "{{#discount}}",
    "Use {{discount.code}} before {{discount.expires}}.",
    "{{/discount}}",
    "{{link}}",
    "Stop: {{unsubscribe}}",
  ].join("\n\n"),
};

describe("renderEmail", () => {
  it("fills every placeholder in the text version", () => {
    const email = renderEmail(template, ctx());
    expect(email.subject).toBe("10% off: your cart at Acme & Sons");
    expect(email.text).toBe(
      [
        "Hi Jane,",
        "- Linen shirt × 1: $59.00\n- Canvas tote × 2: $38.00",
        "Total: $97.00",
        "Use CB-7K2M-9QXD before Mar 14, 2025.",
        "https://shop.test/r/tok?m=msg_1",
        "Stop: https://shop.test/u/unsub",
      ].join("\n\n"),
    );
  });

  it("drops the discount section, and its blank lines, when the email has no discount", () => {
    const email = renderEmail(template, ctx({ discount: null }));
    expect(email.subject).toBe("your cart at Acme & Sons");
    expect(email.text).not.toContain("Use");
    expect(email.text).toContain("Total: $97.00\n\nhttps://shop.test/r/tok?m=msg_1");
    expect(email.html).not.toContain("CB-7K2M");
  });

  it("escapes every value in the HTML and keeps only web links as href", () => {
    const hostile = ctx({
      business: { name: `<script>alert("x")</script>` },
      customer: { name: "Eve <b>", firstName: "Eve<img src=x onerror=alert(1)>", email: "eve@example.com" },
      cart: { items: [{ name: `"><svg onload=alert(1)>`, quantity: 1, price: "$1.00", imageUrl: "javascript:alert(1)" }], total: "$1.00" },
    });
    const { html } = renderEmail({ subject: "Hi {{customer.firstName}}", body: "Hi {{customer.firstName}} <i>from</i> {{business.name}}\n\n{{cart.items}}\n\n{{link}}\n\n{{unsubscribe}}" }, hostile);
    expect(html).not.toMatch(/<script|<svg|<img src=x|<i>|javascript:/);
    expect(html).toContain("Eve&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;i&gt;from&lt;/i&gt;");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;svg onload=alert(1)&gt;");
  });

  it("shows the items as a table, a lone {{link}} as a button and {{unsubscribe}} as a link", () => {
    const { html } = renderEmail(template, ctx({ cart: { items: [{ name: "Hat", quantity: 2, price: "$10.00", imageUrl: "https://cdn.test/hat.png" }], total: "$10.00" } }));
    expect(html).toMatch(/<table[^>]*>.*<img src="https:\/\/cdn\.test\/hat\.png".*Hat <span[^>]*>× 2<\/span>.*\$10\.00/);
    expect(html).toContain('<a href="https://shop.test/r/tok?m=msg_1" style="display:inline-block');
    expect(html).toContain('Stop: <a href="https://shop.test/u/unsub"');
    expect(html).toContain("<strong>CB-7K2M-9QXD</strong>");
    expect(html).toMatch(/^<!doctype html>/);
  });

  it("says “there” for a customer without a name", () => {
    const email = renderEmail({ subject: "Hi {{customer.firstName}}", body: "Hi {{customer.firstName}} ({{customer.name}})" }, ctx({ customer: { name: null, firstName: null, email: "x@example.com" } }));
    expect(email.subject).toBe("Hi there");
    expect(email.text).toBe("Hi there ()");
  });

  it("never treats a value as template text", () => {
    const email = renderEmail({ subject: "{{customer.name}}", body: "{{customer.name}} {{link}}" }, ctx({ customer: { name: "{{link}} {{#discount}}", firstName: null, email: "x@example.com" } }));
    expect(email.subject).toBe("{{link}} {{#discount}}");
    expect(email.text).toBe("{{link}} {{#discount}} https://shop.test/r/tok?m=msg_1");
  });

  it("keeps unknown placeholders as typed (the live preview renders unsaved text)", () => {
    expect(renderEmail({ subject: "{{nope}}", body: "a {{ nope.more }} b" }, ctx()).text).toBe("a {{ nope.more }} b");
  });
});

describe("templateProblems", () => {
  it("accepts the placeholders and the discount section", () => {
    expect(templateProblems(template.body, "body")).toEqual([]);
    expect(templateProblems(template.subject, "subject")).toEqual([]);
  });

  it("names unknown placeholders, misplaced ones and broken sections", () => {
    expect(templateProblems("Hi {{customer.first_name}}", "body")).toEqual(["{{customer.first_name}} is not a known placeholder"]);
    expect(templateProblems("{{link}}", "subject")).toEqual(["{{link}} can only be used in the body"]);
    expect(templateProblems("Code {{discount.code}}", "body")).toEqual(["{{discount.code}} must be inside {{#discount}}…{{/discount}}"]);
    expect(templateProblems("{{#discount}}x", "body")).toEqual(["{{#discount}} is never closed with {{/discount}}"]);
    expect(templateProblems("x{{/discount}}", "body")).toEqual(["{{/discount}} closes a section that is not open"]);
    expect(templateProblems("{{#items}}{{/items}}", "body")[0]).toBe("{{#items}} is not a known section (only {{#discount}}…{{/discount}})");
    expect(templateProblems("{{#discount}}{{link}}{{/discount}}", "body")).toEqual(["{{link}} must be outside the discount section (every email needs it)"]);
  });
});
