import type { ApiError } from "../errors";

/** How one API family (a seed) shapes its answers: the envelope of success and of errors. */
export interface Dialect {
  name: "tracker" | "torque" | "torque-checkout" | "twig";
  /** The key's request budget: "standard" 100/min; "bursty" 100/min with bursts to 200/min for 5 minutes. */
  rateLimit: "standard" | "bursty";
  ok(data: unknown, status?: number): Response;
  error(err: ApiError): Response;
}
