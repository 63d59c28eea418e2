/**
 * The framework ceiling for the benchmark (bench/run.ts): an empty route handler. It answers only
 * when the server runs with BENCH_ENDPOINTS=1, so it ships inert (404 otherwise). POST reads the
 * body and answers the same: what Next costs a request with a body, before any work of ours.
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  if (process.env.BENCH_ENDPOINTS !== "1") return notFound();
  return Response.json({ ok: true });
}

export async function POST(req: Request): Promise<Response> {
  if (process.env.BENCH_ENDPOINTS !== "1") return notFound();
  await req.text();
  return Response.json({ ok: true });
}

const notFound = () => Response.json({ success: false, error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
