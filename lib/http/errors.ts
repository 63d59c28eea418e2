import type { ZodError } from "zod";

/** What went wrong, independent of the API dialect that reports it. */
export type ErrorKind =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "validation"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "internal";

export type FieldIssue = { field: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** `code` overrides the dialect's code for the kind where a seed names a more precise one (ORDER_NOT_FOUND). */
    readonly options: { field?: string; issues?: FieldIssue[]; headers?: Record<string, string>; code?: string } = {},
  ) {
    super(message);
  }

  get field(): string | undefined {
    return this.options.field;
  }
}

export const notFound = (what: string) => new ApiError("not_found", `${what} not found`);

/** `["items", 0, "price"]` → `items[0].price`; an empty key (`{"": 1}`) is `[""]`, so it is still named. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (part === "") out += '[""]';
    else out += (out ? "." : "") + String(part);
  }
  return out;
}

/** Every zod issue becomes a named field; unknown keys are named one by one. */
export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: "is not a known field" }));
    }
    return [{ field: fieldPath(issue.path) || "body", message: issue.message }];
  });
}

export function fromZod(kind: "validation" | "bad_request", error: ZodError): ApiError {
  const issues = zodIssues(error);
  const first = issues[0]!;
  return new ApiError(kind, `${first.field}: ${first.message}`, { field: first.field, issues });
}

/**
 * An error as a log line may show it: the driver's code and message. Never Drizzle's "params:"
 * (the SQL parameters of a failed query hold session tokens, secrets and keys).
 */
export function describeError(error: unknown): string {
  const root = rootCause(error);
  return [root.code, withoutParams(root.message)].filter(Boolean).join(" ");
}

/** Drizzle's "Failed query: …\nparams: …" without the parameters. */
export function withoutParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*$/, "\nparams: [not logged]");
}

/** Drizzle wraps driver errors (with the SQL and its parameters); the driver's error is the cause. */
export function rootCause(error: unknown): { code?: string; message: string; stack?: string } {
  const e = error as { cause?: unknown; code?: string; message?: string; stack?: string } | null;
  if (e?.cause && typeof e.cause === "object") return rootCause(e.cause);
  return { code: e?.code, message: e?.message ?? String(error), stack: e?.stack };
}
