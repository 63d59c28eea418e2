import nodemailer from "nodemailer";
import { env } from "@/lib/env";

export type OutgoingEmail = {
  /** An address, or a display name and address (nodemailer quotes and encodes the name). */
  from: string | { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
};

/** Whether emails can go out now; without SMTP_URL they wait in the dashboard's outbox. */
export function mailConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

type Transport = ReturnType<typeof nodemailer.createTransport>;
let cached: { url: string; transport: Transport } | undefined;

/** One pooled transport per SMTP_URL (tests change the URL between cases). */
function transport(): Transport {
  const url = env().SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not configured");
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = {
      url,
      transport: nodemailer.createTransport({
        url,
        pool: true,
        maxConnections: 2,
        // A stalled server must not hold a worker for minutes (nodemailer waits 2–10 min by default).
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000,
      } as Parameters<typeof nodemailer.createTransport>[0]),
    };
  }
  return cached.transport;
}

/** Sends one email over SMTP; throws when the server refuses it or cannot be reached. */
export async function sendMail(email: OutgoingEmail): Promise<{ messageId: string }> {
  const info = await transport().sendMail({
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: email.headers,
  });
  return { messageId: String(info.messageId ?? "") };
}

/** Closes the pooled connections (tests, shutdown). */
export function closeMailer(): void {
  cached?.transport.close();
  cached = undefined;
}
