import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { standardSignature } from "@/lib/webhooks/signing";

export type Arrival = { count: number; firstAt: number; cartId?: string; senders: string[] };

/**
 * A merchant's webhook endpoint on loopback. Each endpoint has its own path and secret; every
 * delivery is checked against the signature and counted by its webhook-id (the event id), so
 * duplicates show. `owner` names the app instance that opened the connection.
 */
export async function startReceiver(owner: (peerPort: number, serverPort: number) => string) {
  const secrets = new Map<string, string>();
  const delays = new Map<string, number>();
  const attributed = new Set<string>();
  const arrivals = new Map<string, Map<string, Arrival>>(); // path → event id → arrival
  const stats = { requests: 0, badSignatures: 0 };
  const senderOf = new WeakMap<Socket, string>();
  let port = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      stats.requests++;
      record(req, Buffer.concat(chunks).toString("utf8"));
      const answer = () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"received":true}');
      };
      const delay = delays.get((req.url ?? "").split("?")[0]!) ?? 0;
      if (delay) setTimeout(answer, delay);
      else answer();
    });
  });

  function record(req: IncomingMessage, body: string) {
    const path = (req.url ?? "").split("?")[0]!;
    const secret = secrets.get(path);
    const id = String(req.headers["webhook-id"] ?? "");
    const timestamp = Number(req.headers["webhook-timestamp"]);
    const signatures = String(req.headers["webhook-signature"] ?? "").split(" ");
    if (!secret || !id || !signatures.includes(standardSignature(id, timestamp, body, secret))) {
      stats.badSignatures++;
      return;
    }
    let cartId: string | undefined;
    try {
      cartId = (JSON.parse(body) as { data?: { cart?: { id?: string } } }).data?.cart?.id;
    } catch {
      // counted by id anyway
    }
    const byId = arrivals.get(path) ?? new Map<string, Arrival>();
    arrivals.set(path, byId);
    const seen = byId.get(id) ?? { count: 0, firstAt: Date.now(), cartId, senders: [] };
    seen.count++;
    if (attributed.has(path)) {
      // Looked up once per connection, while it is open (it costs a scan of /proc).
      if (!senderOf.has(req.socket)) senderOf.set(req.socket, owner(req.socket.remotePort ?? 0, port));
      seen.senders.push(senderOf.get(req.socket)!);
    }
    byId.set(id, seen);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    stats,
    /**
     * A new endpoint path; `url` is what to subscribe, `arrivals` what reached it. `delayMs` makes
     * it answer slowly, so a worker always has deliveries in flight when its process is killed;
     * `attribute` notes which instance sent each delivery.
     */
    endpoint(name: string, secret: string, options: { delayMs?: number; attribute?: boolean } = {}) {
      const path = `/hooks/${name}`;
      secrets.set(path, secret);
      delays.set(path, options.delayMs ?? 0);
      if (options.attribute) attributed.add(path);
      arrivals.set(path, new Map());
      return { url: `http://127.0.0.1:${port}${path}`, arrivals: () => arrivals.get(path)! };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
