import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { appSecret } from "./auth";

// Twig signs its callbacks with the merchant's API key (seed 003), so a key used on Twig is kept
// sealed (AES-256-GCM under a key derived from the app secret) next to its hash. The hash still
// authenticates; the sealed copy only ever signs.

async function sealingKey(): Promise<Buffer> {
  return Buffer.from(hkdfSync("sha256", await appSecret(), "cartback", "api-key-sealing", 32));
}

export async function seal(plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await sealingKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** The plaintext, or null when the seal is damaged or was made under another app secret. */
export async function unseal(sealed: string): Promise<string | null> {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", await sealingKey(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Keeps the key sealed for signing; a seal made under an older app secret is replaced. */
export async function sealApiKey(apiKeyId: string, key: string): Promise<void> {
  const db = await getDb();
  const [row] = await db.select({ sealedKey: apiKeys.sealedKey }).from(apiKeys).where(eq(apiKeys.id, apiKeyId));
  if (!row) return;
  if (row.sealedKey && (await unseal(row.sealedKey)) === key) return;
  await db.update(apiKeys).set({ sealedKey: await seal(key) }).where(eq(apiKeys.id, apiKeyId));
}

/** The API key that signs a business's Twig callbacks, or null when it cannot be unsealed. */
export async function unsealedApiKey(businessId: string, apiKeyId: string): Promise<string | null> {
  const db = await getDb();
  const [row] = await db
    .select({ sealedKey: apiKeys.sealedKey })
    .from(apiKeys)
    .where(and(eq(apiKeys.businessId, businessId), eq(apiKeys.id, apiKeyId)));
  return row?.sealedKey ? unseal(row.sealedKey) : null;
}
