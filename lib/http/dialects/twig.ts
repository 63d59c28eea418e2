import type { ErrorKind } from "../errors";
import type { Dialect } from "./dialect";

// The Twig seed (003) shows no error body; ours is
// `{ code, message, field, errors: [{ field, message }] }` (field null and errors empty when no
// field is to blame). Successes are the seed's objects as they are.
const CODES: Record<ErrorKind, [status: number, code: string]> = {
  bad_request: [400, "BAD_REQUEST"],
  validation: [400, "BAD_REQUEST"],
  unauthorized: [401, "UNAUTHORIZED"],
  forbidden: [403, "FORBIDDEN"],
  not_found: [404, "NOT_FOUND"],
  conflict: [409, "CONFLICT"],
  payload_too_large: [413, "PAYLOAD_TOO_LARGE"],
  unsupported_media_type: [415, "UNSUPPORTED_MEDIA_TYPE"],
  rate_limited: [429, "RATE_LIMITED"],
  unavailable: [503, "SERVICE_UNAVAILABLE"],
  internal: [500, "INTERNAL_ERROR"],
};

export const twig: Dialect = {
  name: "twig",
  rateLimit: "standard",
  ok(data, status = 200) {
    return Response.json(data, { status });
  },
  // Codes other seeds name (ORDER_NOT_FOUND) are not Twig's: its codes are the fixed set above.
  error(err) {
    const [status, code] = CODES[err.kind];
    const { field, issues } = err.options;
    const reason = field && err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message;
    const errors = issues?.length ? issues : field ? [{ field, message: reason }] : [];
    return Response.json({ code, message: err.message, field: field ?? null, errors }, { status, headers: err.options.headers });
  },
};
