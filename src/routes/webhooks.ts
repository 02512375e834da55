/**
 * Webhook endpoints (admin): subscribe, change, delete, read the delivery log, and send a signed
 * test event. Receiver URLs must be public https hosts in production (src/domain/webhook-target.ts).
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { webhookTargetRules, webhookTargetUrlSchema } from "../domain/webhook-target";
import { createRouter, problemResponses } from "../lib/openapi";
import { fieldErrorsFromZod, validationProblem } from "../lib/problem";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from "../db/queries/webhooks";
import { sendTestWebhook, WEBHOOK_TIMEOUT_MS } from "../jobs/outbox-delivery";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT_TYPE } from "../domain/webhook-events";
import { WebhookDeliveryPageSchema, WebhookSchema, WebhookTestResultSchema } from "../contracts/webhooks";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true as const });
const IdParam = z.object({ id: z.string().min(1).max(64) });

const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .openapi({
    description:
      "Receiver URL. In production: https, and a public host — IP literals in private, loopback, link-local or unique-local ranges and names such as localhost or *.internal are refused. Development and tests also allow http and local receivers.",
  });
const WebhookInputSchema = z
  .object({
    url: WebhookUrl,
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1),
    description: z.string().trim().max(500).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
/** The target rule depends on the environment, so it is checked here rather than in the static schema. */
function checkTargetUrl(url: string, appEnv: string | undefined): void {
  const parsed = webhookTargetUrlSchema(webhookTargetRules(appEnv)).safeParse(url);
  if (!parsed.success) throw validationProblem(fieldErrorsFromZod(parsed.error, "url"));
}

const listWebhooksRoute = staffRoute({
  method: "get",
  path: "/webhooks",
  tags: ["notifications"],
  summary: "Webhook endpoints",
  permission: "webhooks:manage",
  responses: { 200: { description: "Endpoints", content: { "application/json": { schema: z.object({ items: z.array(WebhookSchema) }) } } }, ...problemResponses(401, 403) },
});
const createWebhookRoute = staffRoute({
  method: "post",
  path: "/webhooks",
  tags: ["notifications"],
  summary: `Subscribe an endpoint to events (${WEBHOOK_EVENT_TYPES.join(", ")}); signed with Standard Webhooks`,
  permission: "webhooks:manage",
  request: { body: json(WebhookInputSchema) },
  responses: { 201: { description: "Created (the secret is shown in full once)", content: { "application/json": { schema: WebhookSchema } } }, ...problemResponses(401, 403, 422) },
});
const updateWebhookRoute = staffRoute({
  method: "patch",
  path: "/webhooks/{id}",
  tags: ["notifications"],
  summary: "Change an endpoint, disable it, or rotate its secret",
  permission: "webhooks:manage",
  request: { params: IdParam, body: json(WebhookInputSchema.partial().extend({ rotateSecret: z.boolean().optional() }).strict()) },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: WebhookSchema } } }, ...problemResponses(401, 403, 404, 422) },
});
const deleteWebhookRoute = staffRoute({
  method: "delete",
  path: "/webhooks/{id}",
  tags: ["notifications"],
  summary: "Delete an endpoint (pending messages to it are recorded as failed)",
  permission: "webhooks:manage",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});
const deliveriesRoute = staffRoute({
  method: "get",
  path: "/webhooks/{id}/deliveries",
  tags: ["notifications"],
  summary: "Delivery attempts to an endpoint: receiver status or network error",
  permission: "webhooks:manage",
  request: {
    params: IdParam,
    query: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: {
    200: { description: "Attempts", content: { "application/json": { schema: WebhookDeliveryPageSchema } } },
    ...problemResponses(401, 403, 404),
  },
});
const testWebhookRoute = staffRoute({
  method: "post",
  path: "/webhooks/{id}/test",
  tags: ["notifications"],
  summary: `Send a signed "${WEBHOOK_TEST_EVENT_TYPE}" event to the endpoint now (also when disabled) and report the receiver's status and latency`,
  description: `Signed exactly like real deliveries (Standard Webhooks headers). Not retried; the attempt appears in the delivery log marked as a test (\`test: true\`), except when the URL is refused (nothing is sent). No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s → 504; unreachable → 502; a URL no longer allowed → 409.`,
  permission: "webhooks:manage",
  request: { params: IdParam },
  responses: {
    200: { description: "The receiver answered (any status; see `accepted`)", content: { "application/json": { schema: WebhookTestResultSchema } } },
    ...problemResponses(401, 403, 404, 409, 502, 504),
  },
});

export const webhookRoutes = createRouter()
  .openapi(listWebhooksRoute, async (c) => c.json({ items: await listWebhookEndpoints(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(createWebhookRoute, async (c) => {
    const input = c.req.valid("json");
    checkTargetUrl(input.url, c.env.APP_ENV);
    return c.json(await createWebhookEndpoint(c.get("db"), c.get("principal"), input), 201);
  })
  .openapi(updateWebhookRoute, async (c) => {
    const input = c.req.valid("json");
    if (input.url !== undefined) checkTargetUrl(input.url, c.env.APP_ENV);
    return c.json(await updateWebhookEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id, input), 200);
  })
  .openapi(deleteWebhookRoute, async (c) => {
    await deleteWebhookEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(deliveriesRoute, async (c) => {
    const { page, pageSize } = c.req.valid("query");
    return c.json(await listWebhookDeliveries(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id, pageSize, (page - 1) * pageSize), 200);
  })
  .openapi(testWebhookRoute, async (c) =>
    c.json(await sendTestWebhook(c.get("db"), c.env, c.get("principal"), c.req.valid("param").id, new Date()), 200),
  );
