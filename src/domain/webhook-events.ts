/** The events a webhook endpoint may subscribe to, and the type of the signed test message an admin sends. */
export const WEBHOOK_EVENT_TYPES = ["response.completed", "complaint.created", "complaint.status_changed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_TEST_EVENT_TYPE = "webhook.test";
