/**
 * The framework ceiling for the benchmark (bench/run.ts): an empty route handler. It answers only
 * when the server runs with BENCH_ENDPOINTS=1, so it ships inert (404 otherwise).
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  if (process.env.BENCH_ENDPOINTS !== "1") return Response.json({ success: false, error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  return Response.json({ ok: true });
}
