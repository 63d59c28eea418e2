import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type Receiver = {
  url: string;
  /** Event id (the payload's `id`, evt_…) → when its first delivery arrived (epoch ms). */
  arrivals: Map<string, number>;
  /** Every delivery, repeats included, in arrival order. */
  all: { id: string; at: number }[];
  close: () => Promise<void>;
};

/** A merchant's webhook endpoint on loopback: answers 200 at once and notes when each event arrived. */
export async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const all: Receiver["all"] = [];
  const server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const id = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: string }).id;
        if (id) {
          all.push({ id, at });
          if (!arrivals.has(id)) arrivals.set(id, at);
        }
      } catch {
        // not JSON: not one of ours
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cartback`,
    arrivals,
    all,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
