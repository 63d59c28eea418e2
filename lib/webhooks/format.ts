import type { WebhookDelivery, WebhookEndpoint } from "./endpoints";

/**
 * The Torque (000/002) answers for webhooks. The signing secret leaves the server only in the
 * answer that creates it (creation, rotation); every other answer is built without it.
 */
export type WebhookView = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: "active" | "disabled";
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  /** While a rotation's grace period lasts, the previous secret still signs, until this instant. */
  secretRotatedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toWebhook(endpoint: WebhookEndpoint, options: { withSecret?: boolean; now?: Date } = {}): WebhookView {
  const now = options.now ?? new Date();
  const graceUntil = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? endpoint.previousSecretExpiresAt : null;
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    description: endpoint.description,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    disabledAt: iso(endpoint.disabledAt),
    failingSince: iso(endpoint.failingSince),
    secretRotatedUntil: iso(graceUntil),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...(options.withSecret ? { secret: endpoint.secret } : {}),
  };
}

/** 002's WebhookDelivery, plus `eventId` (the payload's `id` and the `webhook-id` header), `createdAt`, `deliveredAt` and `error`. */
export type DeliveryView = {
  id: string;
  webhookId: string;
  event: string;
  eventId: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastAttempt: string | null;
  nextRetry: string | null;
  responseCode: number | null;
  responseBody: string | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

export function toDelivery(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    webhookId: d.endpointId,
    event: d.eventType,
    eventId: d.eventId,
    status: d.status,
    attempts: d.attempts,
    lastAttempt: iso(d.lastAttemptAt),
    nextRetry: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    responseCode: d.responseCode,
    responseBody: d.responseBody,
    error: d.error,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
  };
}
