/** The dashboard's calls to its own API (cookie session); throws the API's message on failure. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function apiFetch<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  const json = await res.json().catch(() => null);
  if (!res.ok || !json?.success) {
    throw new RequestError(json?.error?.message ?? `Request failed (${res.status})`, res.status, json?.error?.details?.field);
  }
  return json.data as T;
}
