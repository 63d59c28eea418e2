/**
 * Recovery email templates: text with {{placeholders}} and one optional section
 * {{#discount}}…{{/discount}}, rendered to a subject, a plain-text body and an HTML body.
 * Pure and isomorphic (no node imports): the dashboard's live preview renders with it too.
 */

export type EmailContext = {
  business: { name: string };
  customer: { name: string | null; firstName: string | null; email: string };
  /** `price` is the line's amount (unit price × quantity), formatted for display. */
  cart: { items: { name: string; quantity: number; price: string; imageUrl: string | null }[]; total: string };
  /** The recovery link, and the contact's one-click unsubscribe page. */
  link: string;
  unsubscribeUrl: string;
  discount: { code: string; label: string; expires: string } | null;
};

export type RenderedEmail = { subject: string; text: string; html: string };

export const PLACEHOLDERS: { name: string; description: string }[] = [
  { name: "customer.firstName", description: "The customer's first name, or “there” when unknown" },
  { name: "customer.name", description: "The customer's full name (empty when unknown)" },
  { name: "business.name", description: "Your business's name" },
  { name: "cart.items", description: "The cart's items with quantities and prices (body only)" },
  { name: "cart.total", description: "The cart's total, e.g. $99.98" },
  { name: "link", description: "The link back to checkout (body only, required)" },
  { name: "discount.code", description: "The discount code (inside {{#discount}}…{{/discount}})" },
  { name: "discount.label", description: "What the discount gives, e.g. “10% off” (inside the discount section)" },
  { name: "discount.expires", description: "When the discount code expires (inside the discount section)" },
  { name: "unsubscribe", description: "The one-click unsubscribe link (body only, required)" },
];

/** Placeholders that expand to more than a line, or to links: not allowed in a subject. */
export const BODY_ONLY = new Set(["cart.items", "link", "unsubscribe"]);
/** Placeholders that only make sense when the email carries a discount. */
export const DISCOUNT_ONLY = new Set(["discount.code", "discount.label", "discount.expires"]);
/** The one section: shown only when the email carries a discount. */
export const SECTIONS = new Set(["discount"]);

const KNOWN = new Set(PLACEHOLDERS.map((p) => p.name));

type Token =
  | { kind: "text"; value: string }
  | { kind: "placeholder"; name: string; raw: string; inSection: boolean }
  | { kind: "open" | "close"; name: string; raw: string };

const TAG = /\{\{\s*([#/]?)\s*([A-Za-z][\w.]*)\s*\}\}/g;

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  let open = false;
  for (const match of template.matchAll(TAG)) {
    if (match.index > last) tokens.push({ kind: "text", value: template.slice(last, match.index) });
    const [raw, sigil, name] = match as unknown as [string, string, string];
    if (sigil === "#") {
      tokens.push({ kind: "open", name, raw });
      open = true;
    } else if (sigil === "/") {
      tokens.push({ kind: "close", name, raw });
      open = false;
    } else {
      tokens.push({ kind: "placeholder", name, raw, inSection: open });
    }
    last = match.index + raw.length;
  }
  if (last < template.length) tokens.push({ kind: "text", value: template.slice(last) });
  return tokens;
}

/** Everything wrong with a template, as messages ("" when fine); the step schema reports them. */
export function templateProblems(template: string, where: "subject" | "body"): string[] {
  const problems: string[] = [];
  let section: string | null = null;
  for (const token of tokenize(template)) {
    if (token.kind === "open") {
      if (!SECTIONS.has(token.name)) problems.push(`${token.raw} is not a known section (only {{#discount}}…{{/discount}})`);
      else if (section) problems.push(`${token.raw} cannot be nested in another section`);
      else section = token.name;
    } else if (token.kind === "close") {
      if (section !== token.name) problems.push(`${token.raw} closes a section that is not open`);
      else section = null;
    } else if (token.kind === "placeholder") {
      if (!KNOWN.has(token.name)) problems.push(`${token.raw} is not a known placeholder`);
      else if (where === "subject" && BODY_ONLY.has(token.name)) problems.push(`${token.raw} can only be used in the body`);
      else if (DISCOUNT_ONLY.has(token.name) && !token.inSection) problems.push(`${token.raw} must be inside {{#discount}}…{{/discount}}`);
      else if (token.inSection && (token.name === "link" || token.name === "unsubscribe")) {
        problems.push(`${token.raw} must be outside the discount section (every email needs it)`);
      }
    }
  }
  if (section) problems.push(`{{#${section}}} is never closed with {{/${section}}}`);
  return [...new Set(problems)];
}

/** The placeholder names a template uses (outside or inside sections). */
export function placeholdersIn(template: string): Set<string> {
  return new Set(tokenize(template).flatMap((t) => (t.kind === "placeholder" ? [t.name] : [])));
}

/** Drops the discount section when there is no discount; unknown tags stay as written. */
function resolveSections(tokens: Token[], ctx: EmailContext): Token[] {
  const out: Token[] = [];
  let hidden = false;
  for (const token of tokens) {
    if (token.kind === "open" && SECTIONS.has(token.name)) hidden = ctx.discount === null;
    else if (token.kind === "close" && SECTIONS.has(token.name)) hidden = false;
    else if (!hidden) out.push(token.kind === "open" || token.kind === "close" ? { kind: "text", value: token.raw } : token);
  }
  return out;
}

function textValue(name: string, ctx: EmailContext): string | undefined {
  switch (name) {
    case "customer.firstName":
      return ctx.customer.firstName || "there";
    case "customer.name":
      return ctx.customer.name ?? "";
    case "business.name":
      return ctx.business.name;
    case "cart.items":
      return ctx.cart.items.map((i) => `- ${i.name} × ${i.quantity}: ${i.price}`).join("\n");
    case "cart.total":
      return ctx.cart.total;
    case "link":
      return ctx.link;
    case "unsubscribe":
      return ctx.unsubscribeUrl;
    case "discount.code":
      return ctx.discount?.code ?? "";
    case "discount.label":
      return ctx.discount?.label ?? "";
    case "discount.expires":
      return ctx.discount?.expires ?? "";
  }
  return undefined;
}

const tidy = (text: string) =>
  text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Only web links become href/src attributes (a template value could hold `javascript:`). */
function safeUrl(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif";

function itemsHtml(ctx: EmailContext): string {
  const rows = ctx.cart.items.map((item) => {
    const src = item.imageUrl ? safeUrl(item.imageUrl) : null;
    const image = src
      ? `<img src="${escapeHtml(src)}" alt="" width="48" height="48" style="display:block;width:48px;height:48px;object-fit:cover;border-radius:6px">`
      : "";
    return (
      `<tr><td style="padding:8px 8px 8px 0;width:48px">${image}</td>` +
      `<td style="padding:8px 0">${escapeHtml(item.name)} <span style="color:#64748b">× ${item.quantity}</span></td>` +
      `<td style="padding:8px 0;text-align:right;white-space:nowrap">${escapeHtml(item.price)}</td></tr>`
    );
  });
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:0 0 16px">${rows.join("")}</table>`;
}

function inlineHtml(name: string, ctx: EmailContext): string {
  if (name === "link") {
    const href = safeUrl(ctx.link);
    return href ? `<a href="${escapeHtml(href)}" style="color:#4f46e5">${escapeHtml(ctx.link)}</a>` : escapeHtml(ctx.link);
  }
  if (name === "unsubscribe") {
    const href = safeUrl(ctx.unsubscribeUrl);
    return href ? `<a href="${escapeHtml(href)}" style="color:#64748b">unsubscribe</a>` : escapeHtml(ctx.unsubscribeUrl);
  }
  if (name === "cart.items") return escapeHtml(textValue(name, ctx)!).replace(/\n/g, "<br>");
  if (name === "discount.code") return `<strong>${escapeHtml(ctx.discount?.code ?? "")}</strong>`;
  return escapeHtml(textValue(name, ctx) ?? "");
}

/** A paragraph that is only {{link}} becomes a button; one that is only {{cart.items}} a table. */
function blockHtml(name: string, ctx: EmailContext): string | null {
  if (name === "cart.items") return itemsHtml(ctx);
  if (name === "link" && safeUrl(ctx.link)) {
    return (
      `<p style="margin:0 0 16px"><a href="${escapeHtml(ctx.link)}" ` +
      `style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">` +
      `Complete your order</a></p>`
    );
  }
  return null;
}

// Placeholders are swapped for markers made of characters a template cannot contain (stripped
// first), so values are never parsed as template text and escaping cannot touch them.
const MARK = "\u0000";
const MARKER = /\u0000(\d+)\u0000/g;

function renderHtml(tokens: Token[], ctx: EmailContext, subject: string): string {
  const names: string[] = [];
  const source = tidy(
    tokens
      .map((t) => {
        if (t.kind !== "placeholder") return t.kind === "text" ? t.value.replaceAll(MARK, "") : "";
        if (!KNOWN.has(t.name)) return t.raw;
        names.push(t.name);
        return `${MARK}${names.length - 1}${MARK}`;
      })
      .join(""),
  );
  const paragraphs = source.split(/\n{2,}/).map((paragraph) => {
    const alone = /^\u0000(\d+)\u0000$/.exec(paragraph.trim());
    const block = alone ? blockHtml(names[Number(alone[1])]!, ctx) : null;
    if (block) return block;
    const inner = escapeHtml(paragraph)
      .replace(/\n/g, "<br>")
      .replace(MARKER, (_, i: string) => inlineHtml(names[Number(i)]!, ctx));
    return `<p style="margin:0 0 16px;line-height:1.5">${inner}</p>`;
  });
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:24px 12px;background:#f1f5f9;${FONT};color:#0f172a">` +
    `<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:24px">` +
    `<p style="margin:0 0 16px;font-size:14px;font-weight:600;color:#64748b">${escapeHtml(ctx.business.name)}</p>` +
    paragraphs.join("") +
    `</div></body></html>`
  );
}

function renderText(tokens: Token[], ctx: EmailContext): string {
  return tidy(tokens.map((t) => (t.kind === "placeholder" ? (textValue(t.name, ctx) ?? t.raw) : t.kind === "text" ? t.value : "")).join(""));
}

/**
 * Renders a step's template for one customer. Values are escaped in the HTML; the subject is one
 * line of plain text. Unknown placeholders are left as written (the step schema refuses them;
 * the live preview shows them as typed).
 */
export function renderEmail(template: { subject: string; body: string }, ctx: EmailContext): RenderedEmail {
  const subject = renderText(resolveSections(tokenize(template.subject), ctx), ctx).replace(/\s+/g, " ");
  const body = resolveSections(tokenize(template.body), ctx);
  return { subject, text: renderText(body, ctx), html: renderHtml(body, ctx, subject) };
}

/** A believable customer and cart for previews, with a discount (valid two days from `now`) so its section shows. */
export function sampleContext(businessName: string, now = new Date()): EmailContext {
  const expires = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(now.getTime() + 48 * 3600e3));
  return {
    business: { name: businessName },
    customer: { name: "Jane Doe", firstName: "Jane", email: "jane@example.com" },
    cart: {
      items: [
        { name: "Linen shirt", quantity: 1, price: "$59.00", imageUrl: null },
        { name: "Canvas tote", quantity: 2, price: "$38.00", imageUrl: null },
      ],
      total: "$97.00",
    },
    link: "https://example.com/r/sample",
    unsubscribeUrl: "https://example.com/u/sample",
    discount: { code: "CB-7K2M-9QXD", label: "10% off", expires },
  };
}
