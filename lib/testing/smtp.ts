import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { closeMailer } from "@/lib/email/mailer";
import { useEnv } from "./env";

export type ReceivedMail = { envelope: { from: string; to: string[] }; raw: string; parsed: ParsedMail };

/**
 * A real SMTP server on 127.0.0.1 (ephemeral port, no TLS, no auth) that parses every message it
 * accepts. `rejectRecipients` makes it refuse RCPT TO with a 550, as a server refusing mail does.
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const state = { rejectRecipients: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!state.rejectRecipients) return callback();
      const error = Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await simpleParser(raw);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectRecipients(on = true) {
      state.rejectRecipients = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Points SMTP_URL (and optionally SMTP_FROM) somewhere until the returned function restores them. */
export function useSmtp(url: string | undefined, from?: string): () => void {
  const restore = useEnv({ SMTP_URL: url, SMTP_FROM: from });
  closeMailer();
  return () => {
    restore();
    closeMailer();
  };
}
