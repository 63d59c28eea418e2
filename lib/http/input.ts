import type { z } from "zod";
import { env } from "@/lib/env";
import { ApiError, fieldPath, fromZod } from "./errors";

/**
 * Reads a JSON body: refuses bodies over MAX_BODY_BYTES (by header and while streaming, so a
 * lying Content-Length cannot get more through), other content types, and malformed JSON;
 * then validates it with the schema (422 naming the field).
 */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  const text = await readBody(req);
  if (text.trim() === "" && options.optional) return parseWith(schema, {});
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Content-Type must be application/json", { field: "content-type" });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "Request body is not valid JSON", { field: "body" });
  }
  assertStorableJson(value);
  return parseWith(schema, value);
}

/** Deeper than any request we read; JSON.stringify (and so a jsonb column) overflows the stack long before 10 000. */
export const MAX_JSON_DEPTH = 64;

/**
 * Postgres text cannot hold NUL, and jsonb refuses unpaired surrogates (`"\ud800"`), so either would
 * fail a write with a 500; deep nesting overflows the stack when stored. Refused up front,
 * naming where (`items[0].name`).
 */
export function assertStorableJson(value: unknown): void {
  const problem = storageProblem(value);
  if (!problem) return;
  throw new ApiError(problem.tooDeep ? "bad_request" : "validation", `${problem.field}: ${problem.message}`, { field: problem.field });
}

/** What keeps a JSON value out of Postgres, and where; walks without recursion, so it cannot overflow itself. */
export function storageProblem(value: unknown): { field: string; message: string; tooDeep?: true } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (path.length > MAX_JSON_DEPTH) return { field: "body", message: `nested deeper than ${MAX_JSON_DEPTH} levels`, tooDeep: true };
    if (typeof v === "string" && !isStorableText(v)) return textProblem(path);
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    else if (v && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (!isStorableText(key)) return textProblem([...path, key]);
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isStorableText = (text: string) => !text.includes("\u0000") && !LONE_SURROGATE.test(text);
const textProblem = (path: (string | number)[]) => ({ field: fieldPath(path) || "body", message: "must not contain NUL characters or unpaired surrogates" });

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod("validation", result.error);
  return result.data;
}

export async function readBody(req: Request): Promise<string> {
  const max = env().MAX_BODY_BYTES;
  const tooLarge = () => new ApiError("payload_too_large", `Request body exceeds ${max} bytes`, { field: "body" });
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Query parameters are validated as a 400 naming the parameter. */
export function readQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.includes("\u0000") || value.includes("\u0000")) {
      const field = key.replace(/\u0000/g, "\\u0000") || '[""]';
      throw new ApiError("bad_request", `${field}: must not contain NUL characters`, { field });
    }
    raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw fromZod("bad_request", result.error);
  return result.data;
}
