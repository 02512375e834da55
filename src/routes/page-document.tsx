/**
 * The one HTML document of the server-rendered pages (survey pages, the unsubscribe page, the
 * complaint form and status page): Preact rendered to a string, one stylesheet file
 * (web/public/pages.css, a static asset), no inline scripts or styles (the CSP forbids them).
 */
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";

/** Which rules of pages.css apply: they are scoped by the class of <main>. */
export type PageKind = "survey" | "complaint";

export const PAGE_STYLESHEET = "/pages.css";

export function htmlDocument(options: {
  kind: PageKind;
  language: string;
  title: string;
  body: ComponentChildren;
  /** Loads the survey pages' enhancement script (the pages work without it). */
  enhance?: boolean;
  /** Keeps search engines away (private links such as a complaint's status page). */
  noindex?: boolean;
}): string {
  const markup = render(
    <html lang={options.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {options.noindex ? <meta name="robots" content="noindex" /> : null}
        <title>{options.title}</title>
        <link rel="stylesheet" href={PAGE_STYLESHEET} />
        <link rel="icon" href="data:," />
        {options.enhance ? <script type="module" src="/assets/survey-enhance.js" /> : null}
      </head>
      <body>
        <main class={options.kind} id="main">
          {options.body}
        </main>
      </body>
    </html>,
  );
  return `<!doctype html>${markup}`;
}

export function MessagePage({ title, message }: { title: string; message: string }) {
  return (
    <section class="message" aria-live="polite">
      <h1>{title}</h1>
      <p>{message}</p>
    </section>
  );
}
