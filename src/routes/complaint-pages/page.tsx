/** Response helpers of the complaint pages: the shared document (page-document.tsx) as a complaint page. */
import type { ComponentChildren } from "preact";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { ComplaintLanguage } from "../../domain/complaints/texts";
import { htmlDocument, MessagePage } from "../page-document";

export type HtmlStatus = 200 | 400 | 404 | 409 | 415 | 422 | 429;

export function complaintDocument(language: ComplaintLanguage, title: string, body: ComponentChildren): string {
  return htmlDocument({ kind: "complaint", language, title, body, noindex: true });
}

export function html(c: Context<AppEnv>, body: string, status: HtmlStatus = 200) {
  return c.body(body, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-robots-tag": "noindex" });
}

export function messagePage(c: Context<AppEnv>, language: ComplaintLanguage, title: string, message: string, status: HtmlStatus) {
  return html(c, complaintDocument(language, title, <MessagePage title={title} message={message} />), status);
}

export function withQuery(path: string, params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
