import { describe, expect, it } from "vitest";
import { parseEnv, rateLimitStore } from "./env";

describe("parseEnv", () => {
  it("has working defaults for the embedded database in test mode", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PGLITE_DIR: ".data/pglite", APP_URL: "http://localhost:3000", RATE_LIMIT_PER_MINUTE: 100, MAX_BODY_BYTES: 1048576 });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(rateLimitStore(env)).toBe("memory");
  });

  it("defaults the app URL to the port the server listens on; APP_URL wins", () => {
    expect(parseEnv({ PORT: "3300" }).APP_URL).toBe("http://localhost:3300");
    expect(parseEnv({ PORT: "3300", APP_URL: "https://shop.example.com" }).APP_URL).toBe("https://shop.example.com");
    expect(parseEnv({ PORT: "not a port" }).APP_URL).toBe("http://localhost:3000");
  });

  it("treats empty values as unset and trims the app URL", () => {
    const env = parseEnv({ DATABASE_URL: "", STRIPE_SECRET_KEY: " ", RATE_LIMIT_STORE: "", RATE_LIMIT_PER_MINUTE: "", APP_URL: "https://shop.example.com/" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.APP_URL).toBe("https://shop.example.com");
    expect(env.RATE_LIMIT_STORE).toBeUndefined();
    expect(env.RATE_LIMIT_PER_MINUTE).toBe(100);
  });

  it("picks a shared rate-limit store when there is one", () => {
    expect(rateLimitStore(parseEnv({ DATABASE_URL: "postgres://db/x" }))).toBe("postgres");
    expect(rateLimitStore(parseEnv({ DATABASE_URL: "postgres://db/x", REDIS_URL: "redis://r:6379" }))).toBe("redis");
  });

  it("names every bad variable in one message", () => {
    const bad = {
      DATABASE_URL: "mysql://x",
      APP_URL: "localhost:3000",
      STRIPE_SECRET_KEY: "pk_test_123",
      RATE_LIMIT_PER_MINUTE: "lots",
      RATE_LIMIT_STORE: "disk",
    };
    let message = "";
    try {
      parseEnv(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of Object.keys(bad)) expect(message).toContain(name);
    expect(message).toMatch(/DATABASE_URL must be a URL starting with postgres:\/\//);
    expect(message).toMatch(/STRIPE_SECRET_KEY must look like sk_test_/);
  });

  it("requires the webhook secret with a Stripe key, and a store's connection", () => {
    expect(() => parseEnv({ STRIPE_SECRET_KEY: "sk_test_abc" })).toThrow(/STRIPE_WEBHOOK_SECRET is required/);
    expect(() => parseEnv({ RATE_LIMIT_STORE: "redis" })).toThrow(/REDIS_URL is required/);
    expect(() => parseEnv({ RATE_LIMIT_STORE: "postgres" })).toThrow(/RATE_LIMIT_STORE postgres needs DATABASE_URL/);
  });
});
