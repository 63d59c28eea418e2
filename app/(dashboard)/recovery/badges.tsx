import { Badge } from "@/components/ui";
import type { MessageStatus } from "@/db/schema";
import { MESSAGE_STATUS_LABELS } from "@/lib/recovery/labels";

const TONE = { sending: "blue", sent: "green", outbox: "amber", suppressed: "slate", failed: "red" } as const satisfies Record<MessageStatus, string>;

/** A recovery email's status: sent, waiting in the outbox, suppressed, failed (or being sent). */
export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  return <Badge tone={TONE[status]}>{MESSAGE_STATUS_LABELS[status]}</Badge>;
}
