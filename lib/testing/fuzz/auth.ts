import { getDb } from "@/db/client";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";

/** The headers of a valid request and the ways to get authentication wrong, per kind of route. */
export type Auth = { headers: Record<string, string>; badAuth: Record<string, string>[] };

/** API-key routes: the key in x-api-key; missing, wrong, malformed and revoked keys in either header. */
export async function keyAuth(businessId: string, key: string): Promise<Auth> {
  const { key: revoked, apiKey } = await createApiKey(await getDb(), businessId, "revoked for fuzzing");
  await revokeApiKey(businessId, apiKey.id);
  return {
    headers: { "x-api-key": key },
    badAuth: [
      {},
      { "x-api-key": "" },
      { "x-api-key": "cbk_wrong" },
      { "x-api-key": revoked },
      { "x-api-key": `${key}x` },
      { "x-api-key": key.slice(0, 12) },
      { "x-api-key": "x".repeat(8000) },
      { authorization: `Bearer ${revoked}` },
      { authorization: "Bearer" },
      { authorization: "Bearer " },
      { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
      { authorization: `Bearer ${key} extra` },
      { authorization: `Token ${key}` },
      { "api-key": key },
    ],
  };
}

/** Dashboard routes: an owner's session cookie from our origin; no cookie, a forged one, another site (a GET needs no origin, so some variants still pass). */
export async function staffAuth(businessId: string): Promise<Auth & { userId: string }> {
  const session = await staffSession(businessId, "owner");
  const headers = asStaff(session);
  return {
    userId: session.userId,
    headers,
    badAuth: [
      {},
      { origin: TEST_ORIGIN },
      { cookie: "better-auth.session_token=forged.signature", origin: TEST_ORIGIN },
      { cookie: "better-auth.session_token=", origin: TEST_ORIGIN },
      { cookie: "%%%;;;=;", origin: TEST_ORIGIN },
      { cookie: session.cookie, origin: "https://evil.example" },
      { cookie: session.cookie, origin: "null" },
      { cookie: session.cookie },
      { cookie: session.cookie, "sec-fetch-site": "cross-site" },
      { cookie: session.cookie, origin: `${TEST_ORIGIN}.evil.example` },
    ],
  };
}

/** The customer's forms: posted from our own origin; another site's (or no) origin is refused. */
export const formOrigin: Auth = {
  headers: { origin: TEST_ORIGIN },
  badAuth: [{}, { origin: "https://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }, { origin: `${TEST_ORIGIN}:8080` }],
};
