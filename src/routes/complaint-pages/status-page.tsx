/** The customer's status page: stage, promised deadline, the public conversation and the actions open now. */
import type { ComponentChildren } from "preact";
import type { ComplaintState } from "../../domain/complaints";
import { type ComplaintLanguage, formatDeadline, formatMoment, STATE_EXPLANATIONS, STATE_LABELS, STATUS_STEPS } from "../../domain/complaints/texts";
import type { ComplaintPageWords } from "../../domain/complaints/page-texts";
import type { ComplaintRow } from "../../db/queries/complaints";
import type { TimelineEntry } from "../../db/queries/complaints-list";
import { describedBy, ErrorSummary, FieldError, PageHeader } from "./fields";
import { withQuery } from "./page";
import { z } from "zod";
import { type ComplaintReplyAttachment, ComplaintReplyAttachmentSchema } from "../../domain/complaints/events";
import { formatFileSize } from "../../domain/complaints/texts";

export type StatusErrors = Partial<Record<"reply" | "reject" | "reopen" | "general", string>>;

/** A customer action on the status page that carries one text (reply, rejection reason, reopen reason). */
function StatusActionForm(props: {
  action: string;
  hidden: ComponentChildren;
  kind: "reject" | "reply" | "reopen";
  field: "reason" | "message";
  label: string;
  rows: number;
  error?: string;
  value?: string;
  submit: string;
  primary?: boolean;
  inline?: boolean;
}) {
  const id = `field-${props.kind}`;
  return (
    <form method="post" action={props.action} class={props.inline ? "inline-form" : undefined}>
      {props.hidden}
      <input type="hidden" name="action" value={props.kind} />
      <div class={`field${props.error ? " has-error" : ""}`}>
        <label for={id}>{props.label}</label>
        <FieldError id={id} message={props.error} />
        <textarea id={id} name={props.field} rows={props.rows} aria-invalid={props.error ? "true" : undefined} aria-describedby={describedBy(id, false, props.error)}>
          {props.value ?? ""}
        </textarea>
      </div>
      <button type="submit" class={props.primary ? "primary" : undefined}>
        {props.submit}
      </button>
    </form>
  );
}

function TimelineView({
  entries,
  w,
  lang,
  timeZone,
  description,
  fileHref,
}: {
  entries: TimelineEntry[];
  w: ComplaintPageWords;
  lang: ComplaintLanguage;
  timeZone: string;
  description: string;
  fileHref: (attachmentId: string) => string;
}) {
  return (
    <ol class="timeline">
      {entries.map((entry) => {
        const who = entry.actor.kind === "customer" ? w.you : w.team;
        const when = (
          <time datetime={entry.at}>{formatMoment(new Date(entry.at), lang, timeZone)}</time>
        );
        if (entry.type === "public_reply") {
          return (
            <li class={`entry reply ${entry.actor.kind === "customer" ? "from-customer" : "from-team"}`}>
              <p class="meta">
                <strong>{who}</strong> · {when}
              </p>
              <p class="message-text">{String(entry.data.text ?? "")}</p>
              {replyAttachments(entry).length > 0 && (
                <ul class="reply-files" aria-label={w.replyFiles}>
                  {replyAttachments(entry).map((file) => (
                    <li>
                      <a href={fileHref(file.id)} download={file.filename}>
                        {file.filename}
                      </a>{" "}
                      <span class="file-size">({formatFileSize(file.size, lang)})</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        }
        const label =
          entry.type === "received"
            ? w.received
            : w.stageChanged(STATE_LABELS[(entry.data.to as ComplaintState) ?? "received"]?.[lang] ?? String(entry.data.to));
        return (
          <li class="entry change">
            <p class="meta">
              {label} · {when}
            </p>
            {/* The customer's own words under "Complaint sent": what they wrote is what the team works on. */}
            {entry.type === "received" && description ? (
              <p class="message-text" data-testid="own-complaint">
                {description}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The files a reply carried (event data written by the domain's public_reply activity). */
function replyAttachments(entry: TimelineEntry): ComplaintReplyAttachment[] {
  const parsed = z.array(ComplaintReplyAttachmentSchema).safeParse(entry.data.attachments);
  return parsed.success ? parsed.data : [];
}

export function StatusView(props: {
  row: ComplaintRow;
  secret: string;
  words: ComplaintPageWords;
  lang: ComplaintLanguage;
  timeline: TimelineEntry[];
  deadline: string;
  paused: boolean;
  timeZone: string;
  flash?: string;
  errors: StatusErrors;
  values: Record<string, string>;
  acknowledgement?: { statusUrl: string; email: string | null };
  handlingSurveyLink: string | null;
}) {
  const { row, words: w, lang, errors } = props;
  const state = row.state;
  const action = `/complaints/status/${row.reference}`;
  const otherLang: ComplaintLanguage = lang === "zh-CN" ? "en" : "zh-CN";
  const hidden = (
    <>
      <input type="hidden" name="k" value={props.secret} />
      <input type="hidden" name="lang" value={lang} />
    </>
  );
  const errorList = Object.entries(errors).filter(([, message]) => message) as [keyof StatusErrors, string][];
  const currentStep = STATUS_STEPS.indexOf(state === "waiting_on_customer" ? ((row.waitingFrom as ComplaintState) ?? "acknowledged") : state === "reopened" ? "investigating" : state);
  return (
    <>
      <PageHeader
        title={props.acknowledgement ? w.ackTitle : w.statusTitle(row.reference)}
        otherLanguage={otherLang}
        otherLanguageHref={withQuery(action, { k: props.secret, lang: otherLang })}
        otherLanguageName={w.language}
      />
      <ErrorSummary title={w.errorTitle} items={errorList.map(([field, message]) => (field === "general" ? { message } : { message, href: `#field-${field}` }))} />
      {props.flash ? (
        <p class="notice" role="status">
          {props.flash}
        </p>
      ) : null}
      {props.acknowledgement ? (
        <section class="acknowledgement" aria-labelledby="ack-link-title">
          <dl class="facts">
            <dt>{w.ackReference}</dt>
            <dd class="reference">{row.reference}</dd>
            <dt>{w.ackDeadline}</dt>
            <dd>{props.deadline}</dd>
          </dl>
          <h2 id="ack-link-title">{w.ackLink}</h2>
          <p class="status-link">
            <a href={props.acknowledgement.statusUrl}>{props.acknowledgement.statusUrl}</a>
          </p>
          <p class="hint">{w.ackLinkHint}</p>
          {props.acknowledgement.email ? <p>{w.ackEmail(props.acknowledgement.email)}</p> : null}
        </section>
      ) : (
        <>
          <p class="subject">{row.subject}</p>
          <dl class="facts">
            <dt>{w.stage}</dt>
            <dd>
              <strong class={`state state-${state}`}>{STATE_LABELS[state][lang]}</strong>
              <br />
              {STATE_EXPLANATIONS[state][lang]}
            </dd>
            {state === "closed" && row.closedAt ? (
              <>
                <dt>{w.closedOn}</dt>
                <dd>{formatDeadline(row.closedAt, lang, props.timeZone)}</dd>
              </>
            ) : (
              <>
                <dt>{w.deadline}</dt>
                <dd>
                  {props.deadline} {props.paused ? <span class="hint">{w.paused}</span> : null}
                </dd>
              </>
            )}
          </dl>
          <nav aria-label={w.steps}>
            <ol class="steps">
              {STATUS_STEPS.map((step, index) => (
                <li class={index < currentStep ? "done" : index === currentStep ? "current" : "todo"} aria-current={index === currentStep ? "step" : undefined}>
                  {STATE_LABELS[step][lang]}
                </li>
              ))}
            </ol>
          </nav>

          {state === "responded" && row.proposedRemedy ? (
            <section class="remedy" aria-labelledby="remedy-title">
              <h2 id="remedy-title">{w.remedyProposed}</h2>
              <p class="message-text">{row.proposedRemedy}</p>
              <form method="post" action={action} class="inline-form">
                {hidden}
                <input type="hidden" name="action" value="accept" />
                <div class="field">
                  <label for="field-comment">{w.acceptComment}</label>
                  <textarea id="field-comment" name="comment" rows={2}>
                    {props.values.comment ?? ""}
                  </textarea>
                </div>
                <button type="submit" class="primary">
                  {w.accept}
                </button>
              </form>
              <StatusActionForm action={action} hidden={hidden} kind="reject" field="reason" label={w.rejectReason} rows={3} error={errors.reject} value={props.values.reason} submit={w.reject} inline />
            </section>
          ) : null}
        </>
      )}

      {props.acknowledgement ? (
        <p>
          <a class="button" href={props.acknowledgement.statusUrl}>
            {w.ackOpen}
          </a>
        </p>
      ) : (
        <>
          <section aria-labelledby="conversation-title">
            <h2 id="conversation-title">{w.conversation}</h2>
            <TimelineView
              entries={props.timeline}
              w={w}
              lang={lang}
              timeZone={props.timeZone}
              description={row.description}
              fileHref={(attachmentId) => withQuery(`/complaints/status/${row.reference}/files/${encodeURIComponent(attachmentId)}`, { k: props.secret })}
            />
          </section>

          {state !== "closed" ? (
            <section aria-labelledby="reply-title">
              <h2 id="reply-title">{w.reply}</h2>
              <StatusActionForm action={action} hidden={hidden} kind="reply" field="message" label={w.replyLabel} rows={4} error={errors.reply} value={props.values.message} submit={w.send} primary />
            </section>
          ) : (
            <>
              {props.handlingSurveyLink ? (
                <section class="survey-invite" aria-labelledby="survey-title">
                  <h2 id="survey-title">{row.handlingResponseId ? w.surveyDone : w.survey}</h2>
                  {row.handlingResponseId ? null : (
                    <p>
                      <a class="button primary" href={props.handlingSurveyLink}>
                        {w.surveyLink}
                      </a>
                    </p>
                  )}
                </section>
              ) : null}
              <section aria-labelledby="reopen-title">
                <h2 id="reopen-title">{w.reopen}</h2>
                <StatusActionForm action={action} hidden={hidden} kind="reopen" field="reason" label={w.reopenReason} rows={3} error={errors.reopen} value={props.values.reopenReason} submit={w.reopenSubmit} />
              </section>
            </>
          )}
        </>
      )}
    </>
  );
}
