import { env } from "@/lib/env";

/** The public address of a recovery link. */
export function linkUrl(token: string): string {
  return `${env().APP_URL}/r/${token}`;
}

/** The form of a recovery email's id in a link's `?m=` (anything else there is ignored). */
export const MESSAGE_ID = /^msg_[0-9a-z]{1,64}$/;
