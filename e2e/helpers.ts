import { readFileSync } from "node:fs";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

type Credentials = {
  businessId: string;
  key: string;
  staff: Record<"owner" | "viewer", { email: string; password: string }>;
};

export function credentials(): Credentials {
  return JSON.parse(readFileSync(".data/e2e-credentials.json", "utf8"));
}

/** Calls the cart tracker API with a key (the e2e business's by default). */
export async function api(request: APIRequestContext, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, data?: unknown, key = credentials().key) {
  const res = await request.fetch(path, { method, data, headers: { "x-api-key": key } });
  return { status: res.status(), body: await res.json() };
}

export async function signIn(page: Page, role: "owner" | "viewer") {
  const login = credentials().staff[role];
  await page.goto("/login");
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password").fill(login.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).or(page.getByRole("navigation", { name: "Main (mobile)" })).first()).toBeVisible();
}

/** Saves a full-page screenshot into the test output, for people to look at. */
export async function snap(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
