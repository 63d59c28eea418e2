import postgres from "postgres";
import { load } from "./lib/load";
import { StripeEventSource } from "./lib/stripe-events";

const url = process.argv[2] ?? "http://127.0.0.1:3100/api/webhooks/stripe";
const seconds = Number(process.argv[3] ?? 15);
const sql = postgres("postgres://postgres@127.0.0.1:5432/cartback_bench", { max: 1 });
const [biz] = await sql`select business_id from carts group by business_id order by count(*) desc limit 1`;
const rows = await sql`select id, total_minor, currency from carts where business_id = ${biz!.business_id} and status = 'abandoned' order by random() limit 30000`;
const carts = rows.map((r) => ({ id: r.id, businessId: biz!.business_id, totalMinor: BigInt(r.total_minor), currency: r.currency }));
const source = new StripeEventSource(carts, "whsec_bench", `p${Date.now().toString(36)}`);
const m = await load({ url, connections: 20, duration: seconds, method: "POST", setup: (req) => { const d = source.delivery(); return { ...req, method: "POST", body: d.body, headers: d.headers }; } });
console.log(JSON.stringify(m));
await sql.end();
