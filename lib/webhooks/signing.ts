import { createHmac, randomBytes } from "node:crypto";

/** A new endpoint secret in the Standard Webhooks format: whsec_ + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** Seed 000's signature: `sha256=` + hex HMAC-SHA256 of the raw body with the secret as given. */
export function torqueSignature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Standard Webhooks' `v1,` signature over `id.timestamp.body`. A `whsec_` secret signs with its
 * base64-decoded bytes (as the spec's libraries do); any other secret with its UTF-8 bytes.
 */
export function standardSignature(id: string, timestamp: number, body: string, secret: string): string {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/**
 * The headers of one delivery. During a secret rotation both secrets sign: the Standard Webhooks
 * header lists both signatures (space-separated, as the spec allows) and the old Torque-style
 * signature travels in X-Cartback-Signature-Previous.
 */
export function signatureHeaders(input: { id: string; timestamp: number; body: string; secret: string; previousSecret?: string | null }): Record<string, string> {
  const { id, timestamp, body, secret, previousSecret } = input;
  const standard = [standardSignature(id, timestamp, body, secret)];
  if (previousSecret) standard.push(standardSignature(id, timestamp, body, previousSecret));
  return {
    "X-Cartback-Signature": torqueSignature(body, secret),
    "X-Torque-Signature": torqueSignature(body, secret),
    ...(previousSecret ? { "X-Cartback-Signature-Previous": torqueSignature(body, previousSecret) } : {}),
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standard.join(" "),
  };
}

export const TWIG_API_VERSION = "2022-01-01";
/** Seed 003: the timestamp header is "now + 15 mins", in milliseconds like its example. */
const TWIG_TIMESTAMP_AHEAD_MS = 15 * 60_000;

/** Seed 003's `twig-hmac`: base64 HMAC-SHA256, keyed with the merchant's API key, of the body followed by the timestamp. */
export function twigHmac(body: string, timestamp: string, apiKey: string): string {
  return createHmac("sha256", apiKey).update(`${body}${timestamp}`).digest("base64");
}

export function twigSignatureHeaders(input: { id: string; body: string; apiKey: string; now?: number }): Record<string, string> {
  const timestamp = String((input.now ?? Date.now()) + TWIG_TIMESTAMP_AHEAD_MS);
  return {
    "twig-hmac": twigHmac(input.body, timestamp, input.apiKey),
    timestamp,
    "twig-timestamp": timestamp,
    "twig-api-version": TWIG_API_VERSION,
    "webhook-id": input.id,
  };
}
