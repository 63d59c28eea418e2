import { hash } from "node:crypto";

/** SHA-256 of a text, in hex: what is stored of API keys, invite tokens and erased addresses, and request fingerprints. */
export function sha256Hex(text: string): string {
  // The one-shot form: a quarter of createHash().update().digest()'s time, and every API request hashes its key.
  return hash("sha256", text, "hex");
}
