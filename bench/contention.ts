/**
 * Write contention of the cart rollups (bench/NOTES.md): `concurrency` workers call the app's own
 * createCart for the busiest business of a benchmark database for `seconds`, on a pool the size of
 * the app's (10), and print carts/s with latency percentiles. Every cart lands on the same
 * (business, status, day) counter row, the worst case for row-level counter updates.
 *
 *   npx tsx bench/contention.ts --database-url postgres://postgres@127.0.0.1:5432/bench_dev [--concurrency 20] [--seconds 10]
 *
 * It adds carts to that business; regenerate the database to start from the same state.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { desc, eq, sql } from "drizzle-orm";
import { openPostgres, setDb } from "@/db/client";
import { businesses, carts } from "@/db/schema";
import { createCart } from "@/lib/carts/service";
import { benchDatabaseUrl } from "./lib/db";

export async function measureCreates(url: string, concurrency: number, seconds: number, poolSize = 10) {
  const opened = await openPostgres(url, { max: poolSize, migrate: false });
  setDb(opened);
  try {
    const [busiest] = await opened.db
      .select({ businessId: carts.businessId, n: sql<number>`count(*)`.mapWith(Number) })
      .from(carts)
      .groupBy(carts.businessId)
      .orderBy(desc(sql`count(*)`))
      .limit(1);
    if (!busiest) throw new Error("no carts in this database: generate some first");
    const [business] = await opened.db.select().from(businesses).where(eq(businesses.id, busiest.businessId));
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    let n = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const i = n++;
        await createCart(business!, {
          customerEmail: `contention-${i % 500}@example.com`,
          currency: "USD",
          items: [
            { name: "Stoneware mug", quantity: 1, price: "18.00" },
            { name: "Wool beanie", quantity: 2, price: "19.00" },
            { name: "Gift card", quantity: 1, price: "50.00" },
          ],
        });
        latencies.push(performance.now() - started);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    return { carts: latencies.length, perSecond: latencies.length / elapsed, p50: pct(50), p99: pct(99) };
  } finally {
    setDb(undefined);
    await opened.close();
  }
}

async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      "database-url": { type: "string" },
      concurrency: { type: "string", default: "20" },
      seconds: { type: "string", default: "10" },
    },
  });
  const r = await measureCreates(benchDatabaseUrl(values["database-url"]), Number(values.concurrency), Number(values.seconds));
  console.log(`${r.carts} carts, ${r.perSecond.toFixed(0)} carts/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
