/**
 * Privacy requests about one respondent (admins): export everything stored about an e-mail
 * address, or delete / anonymise it. See docs/privacy.md and src/db/queries/respondents.ts.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { eraseRespondent, exportRespondent } from "../db/queries/respondents";
import { createRouter, problemResponses } from "../lib/openapi";
import { ErasureSchema, RespondentExportSchema } from "../contracts/respondents";

const EmailQuery = z.object({ email: z.email().max(320) });

const exportRoute = staffRoute({
  method: "get",
  path: "/respondents/export",
  tags: ["privacy"],
  summary: "Everything stored about one respondent across the organisation, as JSON (data-subject access request)",
  description:
    "Invitations, responses (with tags and internal notes), complaints with their timelines, and e-mails sent to the address. Responses of anonymous-mode surveys carry no e-mail or invitation link and are therefore not found.",
  permission: "respondents:privacy",
  request: { query: EmailQuery },
  responses: { 200: { description: "Export", content: { "application/json": { schema: RespondentExportSchema } } }, ...problemResponses(400, 401, 403) },
});

const eraseRoute = staffRoute({
  method: "delete",
  path: "/respondents",
  tags: ["privacy"],
  summary: "Delete (default) or anonymise everything about one respondent",
  description: [
    "mode=delete removes their invitations, responses (with notes), complaints (with the files they e-mailed, from R2) and e-mails; completed responses are subtracted from the statistics exactly.",
    "mode=anonymise keeps responses for statistics but removes the e-mail, invitation link, IP, free-text answers, non-segment hidden fields and notes, and strips contact data and texts from complaints (their e-mailed files are deleted from R2 in both modes).",
    "Either way the statistics equal a recomputation from the remaining responses. The audit log records the request with a hash of the address.",
  ].join(" "),
  permission: "respondents:privacy",
  request: { query: EmailQuery.extend({ mode: z.enum(["delete", "anonymise", "anonymize"]).default("delete") }) },
  responses: {
    200: {
      description: "Done",
      content: {
        "application/json": {
          schema: ErasureSchema,
        },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

export const respondentRoutes = createRouter()
  .openapi(exportRoute, async (c) => {
    const body = await exportRespondent(c.get("db"), c.get("principal"), c.req.valid("query").email);
    return c.json(body, 200, { "cache-control": "no-store" });
  })
  .openapi(eraseRoute, async (c) => {
    const { email, mode } = c.req.valid("query");
    const summary = await eraseRespondent(c.get("db"), c.get("principal"), email, mode === "delete" ? "delete" : "anonymise", { attachments: c.env.ATTACHMENTS });
    return c.json(summary, 200);
  });
