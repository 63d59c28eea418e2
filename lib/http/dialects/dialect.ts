import type { ApiError } from "../errors";

/** How one API family (a seed) shapes its answers: the envelope of success and of errors. */
export interface Dialect {
  name: "tracker" | "torque" | "torque-checkout" | "twig";
  ok(data: unknown, status?: number): Response;
  error(err: ApiError): Response;
}
