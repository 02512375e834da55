/** Response contract of /api/webhooks: endpoints, their delivery log and the test send. */
import { z } from "@hono/zod-openapi";
import { WEBHOOK_TEST_EVENT_TYPE } from "../domain/webhook-events";

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    active: z.boolean(),
    secret: z.string().openapi({ description: "whsec_… in full only when created or rotated" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    outboxId: z.string(),
    test: z.boolean().openapi({ description: "A \"Send test\" attempt, not an event from the outbox" }),
    attempt: z.number(),
    statusCode: z.number().nullable().openapi({ description: "The receiver's HTTP status (null: no answer)" }),
    error: z.string().nullable(),
    durationMs: z.number(),
    at: z.string(),
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryPageSchema = z.object({ total: z.number(), items: z.array(WebhookDeliverySchema) });

export const WebhookTestResultSchema = z
  .object({
    endpointId: z.string(),
    url: z.string(),
    messageId: z.string().openapi({ description: "The webhook-id header of the test message" }),
    eventType: z.literal(WEBHOOK_TEST_EVENT_TYPE),
    statusCode: z.number().int().openapi({ description: "The receiver's HTTP status" }),
    accepted: z.boolean().openapi({ description: "The receiver answered 2xx" }),
    latencyMs: z.number().int(),
  })
  .openapi("WebhookTestResult");

export type WebhookEndpoint = z.infer<typeof WebhookSchema>;
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPageSchema>;
export type WebhookTestResult = z.infer<typeof WebhookTestResultSchema>;
