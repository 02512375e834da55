/** The complaint pages in the OpenAPI document: HTML pages, documented here rather than validated by zod. */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { CUSTOMER_STATUS_ACTION_NAMES } from "../../domain/complaints";

export function documentComplaintPages(router: Pick<OpenAPIHono, "openAPIRegistry">): void {
  const htmlResponse = (description: string) => ({ description, content: { "text/html": { schema: { type: "string" as const } } } });
  router.openAPIRegistry.registerPath({
    method: "get",
    path: "/complaints/new",
    tags: ["complaint pages"],
    summary: "Public complaint form (server-rendered HTML, works without JavaScript; zh-CN/en)",
    request: {
      query: z.object({
        org: z.string().openapi({ description: "Organisation slug" }),
        survey: z.string().optional().openapi({ description: "Survey slug: its hidden fields (touchpoint, region, tier, …) are taken from the query" }),
        lang: z.enum(["zh-CN", "en"]).optional(),
      }),
    },
    responses: { 200: htmlResponse("The form"), 404: htmlResponse("Unknown organisation") },
  });
  router.openAPIRegistry.registerPath({
    method: "post",
    path: "/complaints/new",
    tags: ["complaint pages"],
    summary: "Submit the complaint form (application/x-www-form-urlencoded); idempotent on the form's hidden submission id",
    request: {
      body: {
        content: {
          "application/x-www-form-urlencoded": {
            schema: z.object({
              org: z.string(),
              survey: z.string().optional(),
              lang: z.enum(["zh-CN", "en"]),
              submission: z.string(),
              name: z.string().optional(),
              email: z.string().optional(),
              phone: z.string().optional(),
              anonymous: z.literal("1").optional(),
              category: z.string().optional(),
              subject: z.string().optional(),
              description: z.string(),
              remedy: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: {
      200: htmlResponse("Acknowledgement: reference, promised deadline and the private status link"),
      422: htmlResponse("The form again with an error summary"),
      429: htmlResponse("Rate limited"),
    },
  });
  router.openAPIRegistry.registerPath({
    method: "get",
    path: "/complaints/status/{reference}",
    tags: ["complaint pages"],
    summary: "The customer's status page: stage, promised deadline, public replies; reply, accept or reject the remedy, reopen",
    request: {
      params: z.object({ reference: z.string().openapi({ example: "FL-2026-000123" }) }),
      query: z.object({ k: z.string().openapi({ description: "The secret from the status link" }), lang: z.enum(["zh-CN", "en"]).optional() }),
    },
    responses: { 200: htmlResponse("The status page"), 404: htmlResponse("Unknown reference or wrong secret") },
  });
  router.openAPIRegistry.registerPath({
    method: "post",
    path: "/complaints/status/{reference}",
    tags: ["complaint pages"],
    summary: "Customer action from the status page (form POST with the secret): reply, accept, reject, reopen; 303 back to the page",
    request: {
      params: z.object({ reference: z.string() }),
      body: {
        content: {
          "application/x-www-form-urlencoded": {
            schema: z.object({
              k: z.string(),
              action: z.enum(CUSTOMER_STATUS_ACTION_NAMES),
              message: z.string().optional(),
              reason: z.string().optional(),
              comment: z.string().optional(),
              lang: z.enum(["zh-CN", "en"]).optional(),
            }),
          },
        },
      },
    },
    responses: {
      303: { description: "Done; back to the status page" },
      404: htmlResponse("Unknown reference or wrong secret"),
      409: htmlResponse("Not possible in the current state"),
      422: htmlResponse("Missing text"),
    },
  });
}
