import { stringify, type Options } from "csv-stringify/sync";

/** A CSV cell: text as is, numbers and bigints as decimal text, null/undefined empty. */
export type CsvCell = string | number | bigint | boolean | Date | null | undefined;
export type CsvRow = CsvCell[];

const OPTIONS: Options = {
  // A cell starting with = + - @ tab or CR gets a leading apostrophe, so a spreadsheet shows it
  // as text instead of running it as a formula (OWASP "CSV injection"). Numbers are left alone.
  escape_formulas: true,
  record_delimiter: "\r\n",
  // A cell holding a lone \n or \r is quoted too (spreadsheets split rows on either).
  quote_record_delimiter: true,
  cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? "true" : "false"), bigint: (n) => n.toString() },
};

/** One chunk of CSV text; the header goes with the first. */
export function csvChunk(rows: CsvRow[], header?: string[]): string {
  return stringify(header ? [header, ...rows] : rows, OPTIONS);
}

/**
 * A CSV download streamed from batches of rows (each batch is read only when the client wants
 * more). The first batch is read before answering, so a failure there is still a proper error
 * answer; a failure later cuts the download short (and is logged).
 */
export async function csvResponse(filename: string, header: string[], batches: AsyncIterable<CsvRow[]>): Promise<Response> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  const encoder = new TextEncoder();
  // A byte order mark, so Excel reads the file as UTF-8 (names with accents stay readable).
  let pending: string | undefined = "\uFEFF" + csvChunk(first.done ? [] : first.value, header);
  let done = first.done ?? false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (pending !== undefined) {
          controller.enqueue(encoder.encode(pending));
          pending = undefined;
          if (done) controller.close();
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          done = true;
          controller.close();
          return;
        }
        if (next.value.length) controller.enqueue(encoder.encode(csvChunk(next.value)));
      } catch (error) {
        console.error(`[cartback] CSV export ${filename} failed:`, error instanceof Error ? error.message : error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** Today (UTC) as YYYY-MM-DD, for file names. */
export function dayStamp(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A URL's query as Next hands a page its searchParams (repeated keys as arrays), for the pages' own parsers. */
export function searchParamsOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}
