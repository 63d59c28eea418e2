import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type Mail = { to: string[]; subject: string; sender: string; at: number };

/** An SMTP server on loopback that accepts everything and notes who sent what to whom. */
export async function startSmtp(owner: (peerPort: number, serverPort: number) => string) {
  const mails: Mail[] = [];
  const senders = new Map<string, string>(); // session id → instance
  let port = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect(session, callback) {
      senders.set(session.id, owner(session.remotePort, port));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? "";
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), subject, sender: senders.get(session.id) ?? "unknown", at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** How many emails each address received. */
    countTo(address: string): number {
      return mails.filter((m) => m.to.includes(address.toLowerCase())).length;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
