import type { z } from "zod";
import { env } from "@/lib/env";
import { ApiError, fromZod } from "./errors";

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
  return parseWith(schema, value);
}

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
  for (const [key, value] of url.searchParams) raw[key] = value;
  const result = schema.safeParse(raw);
  if (!result.success) throw fromZod("bad_request", result.error);
  return result.data;
}
