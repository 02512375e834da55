/**
 * The responses page's search over open answers (full-text, any language; GET …/open-answers/comments?q=,
 * the FTS5 index kept by triggers, so erased answers are gone from it too). Matches are marked with
 * <mark> by splitting the text: every piece is rendered as text, so an answer can never inject markup.
 */
import { useState } from "preact/hooks";
import type { CommentList } from "../../../src/contracts/text-analytics";
import { api } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { makeMessagesHook } from "../lib/i18n";
import { Card, ErrorAlert, Field, Loading } from "../components/ui";

const en = {
  "oa.title": "Search open answers",
  "oa.label": "Words in an answer",
  "oa.hint": "Finds the words anywhere in an answer, in any language.",
  "oa.search": "Search",
  "oa.found": "Answers containing “{q}”: {n}",
  "oa.none": "No open answer contains “{q}”.",
  "oa.more": "The newest {shown} are shown.",
  "oa.sentiment.positive": "positive",
  "oa.sentiment.negative": "negative",
  "oa.sentiment.neutral": "neutral",
};
const zh: Record<keyof typeof en, string> = {
  "oa.title": "搜索开放式回答",
  "oa.label": "回答中的字词",
  "oa.hint": "在任何语言的回答中查找这些字词。",
  "oa.search": "搜索",
  "oa.found": "包含“{q}”的回答：{n} 条",
  "oa.none": "没有开放式回答包含“{q}”。",
  "oa.more": "显示最新的 {shown} 条。",
  "oa.sentiment.positive": "正面",
  "oa.sentiment.negative": "负面",
  "oa.sentiment.neutral": "中性",
};
const useMessages = makeMessagesHook(en, zh);
const LIMIT = 50;

/** The text with each case-insensitive occurrence of `q` marked (pieces stay text nodes). */
export function Highlighted({ text, q }: { text: string; q: string }) {
  const needle = q.toLowerCase();
  const haystack = text.toLowerCase();
  const pieces = [];
  let from = 0;
  for (let at = needle ? haystack.indexOf(needle) : -1; at >= 0; at = haystack.indexOf(needle, from)) {
    if (at > from) pieces.push(text.slice(from, at));
    pieces.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  pieces.push(text.slice(from));
  return <>{pieces}</>;
}

export function OpenAnswerSearch({ surveyId }: { surveyId: string }) {
  const { t, num } = useMessages();
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const results = useAsync(
    (signal) => (q ? api<CommentList>(`/api/surveys/${encodeURIComponent(surveyId)}/open-answers/comments`, { query: { q, limit: LIMIT }, signal }) : Promise.resolve(null)),
    [surveyId, q],
  );
  const data = results.data;
  return (
    <Card title={t("oa.title")}>
      <form
        class="form inline-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(draft.trim());
        }}
      >
        <Field id="oa-q" label={t("oa.label")} hint={t("oa.hint")}>
          {(p) => <input {...p} type="search" value={draft} maxLength={200} onInput={(e) => setDraft(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="btn" disabled={draft.trim().length === 0}>
          {t("oa.search")}
        </button>
      </form>
      <ErrorAlert error={results.error} onRetry={results.reload} />
      {q && results.loading && <Loading />}
      {q && data && (
        <div data-testid="open-answer-results">
          <p role="status">
            {data.total === 0 ? t("oa.none", { q }) : t("oa.found", { n: num(data.total, 0), q })}
            {data.total > data.comments.length ? ` ${t("oa.more", { shown: data.comments.length })}` : ""}
          </p>
          <ul class="comment-list">
            {data.comments.map((comment, i) => (
              <li key={`${comment.responseId ?? "anonymous"}-${i}`}>
                <p class="free-text" lang={comment.language ?? undefined}>
                  <Highlighted text={comment.text} q={q} />
                </p>
                <p class="muted small">
                  {comment.submitted} · {t(`oa.sentiment.${comment.sentiment}`)}
                </p>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
