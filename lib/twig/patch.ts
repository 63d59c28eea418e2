import { z } from "zod";
import { fromZod } from "@/lib/http/errors";
import type { OrderView } from "@/lib/orders/queries";
import { twigDocument } from "./format";
import { BREAKDOWN_RULE, invalid, twigInitSchema, type TwigInitInput, type TwigUpdate } from "./schema";

/**
 * PATCH /v1/operations/order (seed 003): the updates are applied to the order as Twig shows it
 * (its init document), and the result is validated like an init, so every rule (the breakdown
 * adding up, exact amounts, addresses) holds after a PATCH too. Twig recalculates nothing: the
 * merchant sends the new amounts along with the changed items.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// Keys that would reach Object.prototype through an assignment.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** `source` merged into `target`: objects key by key, anything else (arrays, null) replaces. */
function deepMerge(target: unknown, source: Json): Json {
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(source)) {
    if (UNSAFE_KEYS.has(key)) continue;
    out[key] = isObject(value) ? deepMerge(out[key], value) : value;
  }
  return out;
}

/** The document with the updates applied in order. Unknown or last line items are refused. */
export function applyUpdates<D extends Json>(doc: D, updates: readonly TwigUpdate[]): Json {
  const out: Json = structuredClone(doc);
  updates.forEach((u, i) => {
    if (u.field === "expiration") {
      out.expiration = u.value;
      return;
    }
    if (u.field !== "lineItems") {
      out[u.field] = deepMerge(out[u.field], u.value);
      return;
    }
    const items = Array.isArray(out.lineItems) ? (out.lineItems as unknown[]) : [];
    const at = items.findIndex((item) => isObject(item) && item.itemId === u.id);
    if (at < 0) throw invalid(`updateItems[${i}].id`, `no line item has itemId "${u.id}"`);
    if (u.operation === "DELETE") {
      if (items.length === 1) throw invalid(`updateItems[${i}].id`, "is the last line item; an order needs at least one");
      out.lineItems = items.filter((_, j) => j !== at);
    } else {
      out.lineItems = items.map((item, j) => (j === at ? deepMerge(item, u.value) : item));
    }
  });
  return out;
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, key)) return false;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

/**
 * Where an issue in the patched document came from: `["amount", "breakdown", "items"]` →
 * `["updateItems", 0, "value", "breakdown", "items"]` when update 0 sent that value. Issues in
 * values no update sent, and the breakdown rule (which several updates may share), keep the
 * document's path.
 */
function updatePath(issue: z.core.$ZodIssue, doc: Json, updates: readonly TwigUpdate[]): PropertyKey[] {
  const [field, ...rest] = issue.path;
  if (issue.code === "custom" && issue.params?.rule === BREAKDOWN_RULE) return issue.path;
  for (let i = updates.length - 1; i >= 0; i--) {
    const u = updates[i]!;
    if (u.operation !== "UPDATE" || u.field !== field) continue;
    if (u.field === "expiration") return ["updateItems", i, "value", ...rest];
    if (u.field !== "lineItems") {
      if (hasPath(u.value, rest)) return ["updateItems", i, "value", ...rest];
      continue;
    }
    const [index, ...inItem] = rest;
    const items = Array.isArray(doc.lineItems) ? doc.lineItems : [];
    const item = typeof index === "number" ? items[index] : undefined;
    const itemId = isObject(item) ? item.itemId : undefined;
    // The item this update touched: found by the id it named, or by the id it gave the item.
    const touched = u.id === itemId || (isObject(u.value) && u.value.itemId === itemId);
    if (touched && inItem.length && hasPath(u.value, inItem)) return ["updateItems", i, "value", ...inItem];
  }
  return issue.path;
}

/**
 * The patched document validated as an init. `dateCreated` and `merchantOrderReference` are
 * the stored order's (no update can name them). The stored expiration is kept as it is; only an
 * expiration that an update sets must lie in the next 30 days after `now`.
 */
export function parseTwigDocument(doc: Json, now: Date, updates: readonly TwigUpdate[] = []): TwigInitInput {
  const setsExpiration = updates.some((u) => u.field === "expiration" && u.value !== null);
  const result = twigInitSchema(setsExpiration ? now : null).safeParse(doc);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: updatePath(issue, doc, updates) }));
  throw fromZod("validation", new z.ZodError(issues));
}

/** An order after the PATCH's updates, validated: the values to store. */
export function applyPatch(view: OrderView, updates: readonly TwigUpdate[], now: Date): TwigInitInput {
  return parseTwigDocument(applyUpdates(twigDocument(view), updates), now, updates);
}
