import type { CallResult } from "@/lib/testing/fixtures";
import type { AnswerShape } from "./cases";

/**
 * What every answer must look like: never a 5xx; a 4xx in its dialect's error shape
 * (lib/http/dialects, docs/api.md) naming the field when the request's content is to blame;
 * a 2xx in the dialect's success envelope; a page's refusal as plain text, its way on as a 303.
 * Each check returns the problem, or undefined.
 */

/** Statuses that blame the request's content: a field (or `body`, `content-type`) must be named. */
const NAMES_A_FIELD = new Set([400, 413, 415, 422]);

const TRACKER_CODES: Record<number, string> = {
  400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR", 429: "RATE_LIMITED",
};
const TWIG_CODES: Record<number, string> = { ...TRACKER_CODES, 422: "BAD_REQUEST" };

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const CODE = /^[A-Z][A-Z0-9_]*$/;

export function answerProblem(shape: AnswerShape, res: CallResult): string | undefined {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 300)}`;
  if (shape === "page") return pageProblem(res);
  if (res.status >= 400) return errorProblem(shape, res);
  if (res.status >= 200 && res.status < 300) return successProblem(shape, res);
  return `unexpected status ${res.status} for an API`;
}

function errorProblem(shape: AnswerShape, res: CallResult): string | undefined {
  const b = res.body;
  if (!(res.headers.get("content-type") ?? "").includes("application/json")) return `${res.status} is not JSON: ${res.text.slice(0, 200)}`;
  if (!isObject(b)) return `${res.status} body is not an object: ${res.text.slice(0, 200)}`;
  const mustName = NAMES_A_FIELD.has(res.status);
  switch (shape) {
    case "tracker": {
      if (b.success !== false || !isObject(b.error)) return `not the tracker error envelope: ${res.text.slice(0, 200)}`;
      if (b.error.code !== TRACKER_CODES[res.status]) return `tracker code ${b.error.code} for ${res.status}`;
      if (!isText(b.error.message)) return "tracker error without a message";
      const field = b.error.details?.field;
      if (b.error.details !== undefined && !isText(field)) return `tracker details without a field: ${res.text.slice(0, 200)}`;
      if (mustName && !isText(field)) return `${res.status} names no field: ${res.text.slice(0, 200)}`;
      return undefined;
    }
    case "torque": {
      if (!isObject(b.error) || !CODE.test(b.error.code ?? "") || !isText(b.error.message)) return `not the torque error envelope: ${res.text.slice(0, 200)}`;
      if (b.error.details !== undefined && !(isText(b.error.details.field) && typeof b.error.details.reason === "string")) return `torque details malformed: ${res.text.slice(0, 200)}`;
      if (mustName && !isText(b.error.details?.field)) return `${res.status} names no field: ${res.text.slice(0, 200)}`;
      return undefined;
    }
    case "torque-checkout": {
      if (b.success !== false || !isText(b.error) || !CODE.test(b.code ?? "")) return `not the torque checkout error envelope: ${res.text.slice(0, 200)}`;
      if (b.details !== undefined && !(isText(b.details.field) && typeof b.details.message === "string")) return `torque checkout details malformed: ${res.text.slice(0, 200)}`;
      if (mustName && !isText(b.details?.field)) return `${res.status} names no field: ${res.text.slice(0, 200)}`;
      return undefined;
    }
    case "twig": {
      if (b.code !== TWIG_CODES[res.status] || !isText(b.message) || !Array.isArray(b.errors)) return `not the twig error shape: ${res.text.slice(0, 200)}`;
      if (b.field !== null && !isText(b.field)) return `twig field is neither null nor a name: ${res.text.slice(0, 200)}`;
      if (!b.errors.every((e: unknown) => isObject(e) && isText(e.field) && typeof e.message === "string")) return `twig errors malformed: ${res.text.slice(0, 200)}`;
      if (mustName && !isText(b.field)) return `${res.status} names no field: ${res.text.slice(0, 200)}`;
      return undefined;
    }
  }
  return undefined;
}

function successProblem(shape: AnswerShape, res: CallResult): string | undefined {
  const type = res.headers.get("content-type") ?? "";
  // CSV downloads (the dashboard's exports) are successes without an envelope.
  if (type.startsWith("text/csv")) return undefined;
  const b = res.body;
  if (!isObject(b)) return `${res.status} body is not a JSON object: ${res.text.slice(0, 200)}`;
  if (shape === "tracker" && !(b.success === true && "data" in b) && !("received" in b)) return `not the tracker success envelope: ${res.text.slice(0, 200)}`;
  if (shape === "torque-checkout" && b.success !== true) return `not the torque checkout success envelope: ${res.text.slice(0, 200)}`;
  return undefined;
}

/** Customer pages: refusals in plain text, everything else a 303 onwards (never to an error page of ours). */
function pageProblem(res: CallResult): string | undefined {
  if (res.status >= 400) {
    if (!(res.headers.get("content-type") ?? "").startsWith("text/plain")) return `${res.status} is not plain text`;
    if (!res.text) return `${res.status} without a message`;
    return undefined;
  }
  if (res.status === 303 || res.status === 302 || res.status === 307) {
    const location = res.headers.get("location");
    if (!location) return `${res.status} without a Location`;
    if (/[?&]error=1\b/.test(location)) return `redirected to the failure page (an error was swallowed): ${location}`;
    return undefined;
  }
  if (res.status >= 200 && res.status < 300) return undefined;
  return `unexpected status ${res.status}`;
}
