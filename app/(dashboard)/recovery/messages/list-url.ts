import { MESSAGE_TABS, type MessageTab } from "@/lib/recovery/labels";

/** The recovery emails list as it lives in the URL (?status=&page=), so a view survives a reload. */

export type MessageListParams = { status?: MessageTab; page: number };
export type SearchParams = Record<string, string | string[] | undefined>;

/** Far enough for any real list; keeps OFFSET from being used to scan the whole table. */
const MAX_PAGE = 10_000;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const isTab = (value: unknown): value is MessageTab => typeof value === "string" && (MESSAGE_TABS as readonly string[]).includes(value);

/** Reads the view from the URL; anything unknown or malformed falls back to the default. */
export function parseMessageListParams(searchParams: SearchParams): MessageListParams {
  const status = first(searchParams.status);
  const page = first(searchParams.page);
  const n = page && /^\d{1,6}$/.test(page) ? Number(page) : 1;
  return { status: isTab(status) ? status : undefined, page: Math.min(Math.max(n, 1), MAX_PAGE) };
}

/** The URL of a view, without the defaults, e.g. /recovery/messages?status=outbox&page=2. */
export function messagesHref(view: Partial<MessageListParams>): string {
  const params = new URLSearchParams();
  if (view.status) params.set("status", view.status);
  if (view.page && view.page > 1) params.set("page", String(view.page));
  const query = params.toString();
  return query ? `/recovery/messages?${query}` : "/recovery/messages";
}
