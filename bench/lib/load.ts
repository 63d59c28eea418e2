import autocannon from "autocannon";

/** What a load run measured: throughput of answered requests and their latency in ms. */
export type Measured = {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  ok: number;
  /** Answers outside 2xx plus connection errors and timeouts. */
  failed: number;
  connections: number;
  seconds: number;
};

export type LoadSpec = {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration: number;
  amount?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Per request: the request to send (path, body, headers), e.g. a random cart id. */
  setup?: (request: autocannon.Request, context: Record<string, unknown>) => autocannon.Request;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
};

/** Runs autocannon (programmatic API) against one URL. */
export function load(spec: LoadSpec): Promise<Measured> {
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    amount: spec.amount,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    timeout: 30,
    requests:
      spec.setup || spec.onResponse
        ? [
            {
              setupRequest: spec.setup ? (req, ctx) => spec.setup!(req, ctx as Record<string, unknown>) : undefined,
              onResponse: spec.onResponse ? (status, body, ctx) => spec.onResponse!(status, body, ctx as Record<string, unknown>) : undefined,
            },
          ]
        : undefined,
  };
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => {
      if (error) return reject(error);
      const ok = result["2xx"];
      const failed = result.non2xx + result.errors;
      const answered = ok + result.non2xx;
      resolve({
        rps: answered / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: answered,
        ok,
        failed,
        connections: spec.connections,
        seconds: result.duration,
      });
    });
  });
}

export function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}
