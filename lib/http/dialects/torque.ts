import type { ApiError, ErrorKind } from "../errors";
import type { Dialect } from "./dialect";

// The Torque overview seed (000): `{ error: { code, message, details: { field, reason } } }`,
// successes without an envelope.
const CODES: Record<ErrorKind, [status: number, code: string]> = {
  bad_request: [400, "INVALID_REQUEST"],
  validation: [400, "INVALID_REQUEST"],
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

export function torqueStatus(err: ApiError): [status: number, code: string] {
  const [status, code] = CODES[err.kind];
  return [status, err.options.code ?? code];
}

export const torque: Dialect = {
  name: "torque",
  rateLimit: "bursty",
  ok(data, status = 200) {
    return Response.json(data, { status });
  },
  error(err) {
    const [status, code] = torqueStatus(err);
    const field = err.options.field;
    const reason = field && err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message;
    return Response.json(
      { error: { code, message: err.message, ...(field ? { details: { field, reason } } : {}) } },
      { status, headers: err.options.headers },
    );
  },
};

/**
 * The Torque checkout seed (001): `{ success: false, error: "<message>", code, details: { field, message } }`
 * and `{ success: true, …fields }` on success. Its one example code, CHECKOUT_001, is for invalid
 * request data; other errors use 000's codes.
 */
export const torqueCheckout: Dialect = {
  name: "torque-checkout",
  rateLimit: "bursty",
  ok(data, status = 200) {
    return Response.json({ success: true, ...(data as object) }, { status });
  },
  error(err) {
    const [status, code] = torqueStatus(err);
    const field = err.options.field;
    const message = field && err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message;
    return Response.json(
      {
        success: false,
        error: err.message,
        code: err.kind === "validation" || err.kind === "bad_request" ? "CHECKOUT_001" : code,
        ...(field ? { details: { field, message } } : {}),
      },
      { status, headers: err.options.headers },
    );
  },
};
