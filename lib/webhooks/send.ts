import http from "node:http";
import https from "node:https";
import { checkUrl, guardedLookup } from "./ssrf";

export const DELIVERY_TIMEOUT_MS = 15_000;
const MAX_STORED_BODY = 1024;
const MAX_READ_BODY = 16 * 1024;

export type SendResult = { ok: boolean; status: number | null; body: string | null; error: string | null };

/**
 * POSTs one webhook: connects only to allowed addresses, never follows redirects, gives up after
 * 15 s, and keeps at most 1 KB of the answer. Only a 2xx answer is a success.
 */
export function sendWebhook(rawUrl: string, body: string, headers: Record<string, string>, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<SendResult> {
  const checked = checkUrl(rawUrl);
  if ("error" in checked) return Promise.resolve({ ok: false, status: null, body: null, error: `URL ${checked.error}` });
  const { url } = checked;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      url,
      {
        method: "POST",
        lookup: guardedLookup,
        agent: false,
        headers: { "content-type": "application/json", "user-agent": "Cartback-Webhooks/1", "content-length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < MAX_READ_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8").slice(0, MAX_STORED_BODY);
          finish({ ok: status >= 200 && status < 300, status, body: text, error: status >= 300 && status < 400 ? "redirects are not followed" : null });
        });
        res.on("error", (error) => finish({ ok: false, status: res.statusCode ?? null, body: null, error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${timeoutMs / 1000}s`));
    }, timeoutMs);
    req.on("error", (error) => finish({ ok: false, status: null, body: null, error: error.message }));
    req.end(body);
  });
}
