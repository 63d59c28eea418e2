import { readFileSync } from "node:fs";
import type { APIRequestContext } from "@playwright/test";

export function credentials(): { businessId: string; key: string } {
  return JSON.parse(readFileSync(".data/e2e-credentials.json", "utf8"));
}

/** Calls the cart tracker API with the e2e business's key. */
export async function api(request: APIRequestContext, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, data?: unknown) {
  const res = await request.fetch(path, { method, data, headers: { "x-api-key": credentials().key } });
  return { status: res.status(), body: await res.json() };
}
