import { env } from "@/lib/env";

/** The public address of a recovery link. */
export function linkUrl(token: string): string {
  return `${env().APP_URL}/r/${token}`;
}
