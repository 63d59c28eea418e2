import type { ApiError, ErrorKind } from "../errors";
import type { Dialect } from "./dialect";

// Codes of the Quick Checkout Tracker seed (004). It names no code for 413, 415, 429 or 503;
// those keep the seed's envelope with the codes below (docs/api.md).
const CODES: Record<ErrorKind, [status: number, code: string]> = {
  bad_request: [400, "BAD_REQUEST"],
  unauthorized: [401, "UNAUTHORIZED"],
  forbidden: [403, "FORBIDDEN"],
  not_found: [404, "NOT_FOUND"],
  validation: [422, "VALIDATION_ERROR"],
  conflict: [409, "CONFLICT"],
  payload_too_large: [413, "PAYLOAD_TOO_LARGE"],
  unsupported_media_type: [415, "UNSUPPORTED_MEDIA_TYPE"],
  rate_limited: [429, "RATE_LIMITED"],
  unavailable: [503, "SERVICE_UNAVAILABLE"],
  internal: [500, "INTERNAL_ERROR"],
};

export const tracker: Dialect = {
  name: "tracker",
  rateLimit: "standard",
  ok(data, status = 200) {
    return Response.json({ success: true, data }, { status });
  },
  error(err: ApiError) {
    const [status, code] = CODES[err.kind];
    const { field, issues } = err.options;
    const details = field ? { field, ...(issues && issues.length > 1 ? { issues } : {}) } : undefined;
    return Response.json(
      { success: false, error: { code, message: err.message, ...(details ? { details } : {}) } },
      { status, headers: err.options.headers },
    );
  },
};
