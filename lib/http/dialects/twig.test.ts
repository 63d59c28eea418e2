import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, fromZod } from "../errors";
import { twig } from "./twig";

describe("twig dialect", () => {
  it("answers successes as they are, without an envelope", async () => {
    const res = twig.ok({ orderId: "order_1", status: "PENDING" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ orderId: "order_1", status: "PENDING" });
    expect(twig.ok({ accepted: true }, 202).status).toBe(202);
    expect(twig.name).toBe("twig");
    expect(twig.rateLimit).toBe("standard");
  });

  it("answers a validation error as 400 BAD_REQUEST naming the field", async () => {
    const res = twig.error(new ApiError("validation", "amount.value: must equal breakdown items + tax + shipping, which add up to 1490.00", { field: "amount.value" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "BAD_REQUEST",
      message: "amount.value: must equal breakdown items + tax + shipping, which add up to 1490.00",
      field: "amount.value",
      errors: [{ field: "amount.value", message: "must equal breakdown items + tax + shipping, which add up to 1490.00" }],
    });
  });

  it("lists every issue of a zod error", async () => {
    const result = z.object({ a: z.string({ error: "is required" }), b: z.number({ error: "is required" }) }).safeParse({});
    const res = twig.error(fromZod("validation", result.error!));
    expect(await res.json()).toEqual({
      code: "BAD_REQUEST",
      message: "a: is required",
      field: "a",
      errors: [
        { field: "a", message: "is required" },
        { field: "b", message: "is required" },
      ],
    });
  });

  it("maps each kind to its status and Twig's own codes", async () => {
    const kinds: [ConstructorParameters<typeof ApiError>[0], number, string][] = [
      ["bad_request", 400, "BAD_REQUEST"],
      ["unauthorized", 401, "UNAUTHORIZED"],
      ["forbidden", 403, "FORBIDDEN"],
      ["not_found", 404, "NOT_FOUND"],
      ["conflict", 409, "CONFLICT"],
      ["payload_too_large", 413, "PAYLOAD_TOO_LARGE"],
      ["unsupported_media_type", 415, "UNSUPPORTED_MEDIA_TYPE"],
      ["rate_limited", 429, "RATE_LIMITED"],
      ["unavailable", 503, "SERVICE_UNAVAILABLE"],
      ["internal", 500, "INTERNAL_ERROR"],
    ];
    for (const [kind, status, code] of kinds) {
      const res = twig.error(new ApiError(kind, "Something"));
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ code, message: "Something", field: null, errors: [] });
    }
  });

  it("keeps NOT_FOUND for errors other seeds code more precisely, and passes headers on", async () => {
    const notFound = twig.error(new ApiError("not_found", "Order not found", { code: "ORDER_NOT_FOUND" }));
    expect((await notFound.json()).code).toBe("NOT_FOUND");
    const limited = twig.error(new ApiError("rate_limited", "Too many requests", { headers: { "Retry-After": "30" } }));
    expect(limited.headers.get("retry-after")).toBe("30");
  });
});
