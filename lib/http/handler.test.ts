import { describe, expect, it, vi } from "vitest";
import { tracker } from "./dialects/tracker";
import { publicRoute } from "./handler";

/** A route whose handler throws what the database driver threw (Drizzle wraps it as `cause`). */
function failingWith(code: string, wrapped = true) {
  const driverError = Object.assign(new Error(`driver error ${code}`), { code });
  const thrown = wrapped ? Object.assign(new Error("Failed query: insert into …"), { cause: driverError }) : driverError;
  return publicRoute(tracker, async () => {
    throw thrown;
  });
}

const call = (route: ReturnType<typeof failingWith>) => route(new Request("http://cartback.test/api/carts", { method: "POST" }), { params: Promise.resolve({}) });

describe("database unavailable → 503 with Retry-After", () => {
  // What reliability/faults.ts saw while Postgres stopped, restarted or was unreachable.
  it.each(["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "57P01", "57P02", "57P03", "08006", "08001"])("%s", async (code) => {
    const res = await call(failingWith(code));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json()).error.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("also when the driver's error is thrown as is", async () => {
    expect((await call(failingWith("57P03", false))).status).toBe(503);
  });

  it("any other failure stays a logged 500", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call(failingWith("23505"));
      expect(res.status).toBe(500);
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
