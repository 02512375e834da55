/**
 * The dashboard's open-answers topics section (issue 14): sentiment shares, the organisation's topics
 * by volume with sentiment bars, keywords and the satisfaction of respondents mentioning each topic
 * versus not, the chosen topic's monthly trend, its comments (drill-down) and emerging phrases.
 * Reads GET /surveys/{id}/open-answers and /open-answers/comments (scores stored at write time).
 * Every chart has an accessible name and its numbers in a table.
 */
import { useEffect, useState } from "preact/hooks";
import { api, type Query } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { Card, ErrorAlert, Loading, Table } from "../../components/ui";
import { BarChart } from "./charts";
import { useTI18n, type TI18n } from "./topics-messages";
import type { CommentList, OpenAnswersResponse } from "../../../../src/contracts/text-analytics";

type Topic = OpenAnswersResponse["topics"][number];
type Sentiment = "positive" | "neutral" | "negative";
const SENTIMENTS: Sentiment[] = ["positive", "neutral", "negative"];

export function topicLabel(topic: Pick<Topic, "labelZh" | "labelEn">, lang: string): string {
  return lang === "zh-CN" ? topic.labelZh : topic.labelEn;
}

export function TopicsSection({ surveyId, query }: { surveyId: string; query: Query }) {
  const i18n = useTI18n();
  const { t, num, pct } = i18n;
  const key = JSON.stringify([surveyId, query]);
  const state = useAsync((signal) => api<OpenAnswersResponse>(`/api/surveys/${encodeURIComponent(surveyId)}/open-answers`, { query, signal }), [key]);
  const [selected, setSelected] = useState<string | null>(null);
  const data = state.data;
  const topics = data?.topics ?? [];
  // The first topic by volume until the manager picks another (and again when the selection drops it).
  useEffect(() => {
    if (topics.length > 0 && !topics.some((topic) => topic.topic === selected)) setSelected(topics[0]!.topic);
  }, [key, topics.length]);
  const current = topics.find((topic) => topic.topic === selected) ?? null;

  return (
    <Card title={t("top.title")} id="topics">
      <p class="muted small">{t("top.hint")}</p>
      <ErrorAlert error={state.error} onRetry={state.reload} />
      {state.loading && !data && <Loading />}
      {data && data.comments === 0 && <p class="empty">{t("top.none")}</p>}
      {data && data.comments > 0 && (
        <>
          <div class="grid grid-hero">
            <figure class="figure">
              <figcaption>{t("top.comments")}</figcaption>
              <p class="figure-value" data-testid="topics-comments">
                {num(data.comments, 0)}
              </p>
              <SentimentBar
                label={t("top.shares")}
                i18n={i18n}
                shares={{ positive: data.positiveShare, neutral: data.neutralShare, negative: data.negativeShare }}
              />
              <dl class="facts facts-inline small">
                {SENTIMENTS.map((sentiment) => (
                  <div key={sentiment}>
                    <dt>{t(`top.${sentiment}`)}</dt>
                    <dd data-testid={`topics-share-${sentiment}`}>{pct(shareOf(data, sentiment), 0)}</dd>
                  </div>
                ))}
              </dl>
              <p class="muted small">{t("top.unassigned", { n: num(data.unassigned, 0) })}</p>
              {data.truncated && <p class="small">{t("top.truncated")}</p>}
            </figure>
            <EmergingPhrases data={data} i18n={i18n} />
          </div>
          <TopicsTable data={data} selected={selected} onSelect={setSelected} i18n={i18n} />
          {current && (
            <div class="grid grid-2">
              <TopicTrend topic={current} i18n={i18n} />
              <TopicComments surveyId={surveyId} query={query} topic={current} i18n={i18n} />
            </div>
          )}
          <p class="muted small">
            {t("top.model")} <code>{data.modelVersion}</code>
          </p>
        </>
      )}
    </Card>
  );
}

function shareOf(data: Pick<OpenAnswersResponse, "positiveShare" | "neutralShare" | "negativeShare">, sentiment: Sentiment): number {
  return sentiment === "positive" ? data.positiveShare : sentiment === "negative" ? data.negativeShare : data.neutralShare;
}

/** A stacked positive / neutral / negative bar; its name carries the three shares. */
function SentimentBar({ shares, label, i18n }: { shares: Record<Sentiment, number>; label: string; i18n: TI18n }) {
  const { t, pct } = i18n;
  const name = t("top.sentimentBar", { topic: label, pos: pct(shares.positive, 0), neu: pct(shares.neutral, 0), neg: pct(shares.negative, 0) });
  return (
    <div class="sentiment-bar" role="img" aria-label={name} title={name}>
      {SENTIMENTS.map((sentiment) => (
        <span key={sentiment} class={`sentiment-${sentiment}`} style={{ width: `${(shares[sentiment] * 100).toFixed(1)}%` }} />
      ))}
    </div>
  );
}

function TopicsTable({ data, selected, onSelect, i18n }: { data: OpenAnswersResponse; selected: string | null; onSelect: (topic: string) => void; i18n: TI18n }) {
  const { t, num, pct, lang } = i18n;
  return (
    <>
      <h3>{t("top.topics")}</h3>
      <p class="muted small">{t("top.satisfactionHint")}</p>
      <Table caption={t("top.topics")} class="table-compact" testId="topics-table" columns={[{ label: t("top.topic") }, { label: t("top.volume"), num: true }, { label: t("top.share"), num: true }, { label: t("top.sentiment") }, { label: t("top.positive"), num: true }, { label: t("top.negative"), num: true }, { label: t("top.meanScore"), num: true }, { label: t("top.mentioning"), num: true }, { label: t("top.notMentioning"), num: true }, { label: t("top.keywords") }, { label: t("top.show"), hiddenLabel: true }]}>
        {data.topics.map((topic) => {
          const label = topicLabel(topic, lang);
          const neutral = Math.max(0, 1 - topic.positiveShare - topic.negativeShare);
          return (
            <tr key={topic.topic} data-topic={topic.topic} class={topic.topic === selected ? "is-selected" : undefined}>
              <th scope="row">{label}</th>
              <td class="num">{num(topic.volume, 0)}</td>
              <td class="num">{pct(topic.share, 0)}</td>
              <td>
                <SentimentBar label={label} i18n={i18n} shares={{ positive: topic.positiveShare, neutral, negative: topic.negativeShare }} />
              </td>
              <td class="num">{pct(topic.positiveShare, 0)}</td>
              <td class="num">{pct(topic.negativeShare, 0)}</td>
              <td class="num">{num(topic.meanScore, 2)}</td>
              <td class="num">{num(topic.satisfactionMentioning, 1)}</td>
              <td class="num">{num(topic.satisfactionNotMentioning, 1)}</td>
              <td class="small">{topic.keywords.join(lang === "zh-CN" ? "、" : ", ")}</td>
              <td>
                <button type="button" class="btn btn-small" aria-pressed={topic.topic === selected} onClick={() => onSelect(topic.topic)}>
                  {t("top.show")}
                  <span class="visually-hidden"> {label}</span>
                </button>
              </td>
            </tr>
          );
        })}
      </Table>
    </>
  );
}

function TopicTrend({ topic, i18n }: { topic: Topic; i18n: TI18n }) {
  const { t, num, lang } = i18n;
  const title = t("top.trend", { topic: topicLabel(topic, lang) });
  return (
    <section class="topic-trend" aria-labelledby="topic-trend-title">
      <h3 id="topic-trend-title">{title}</h3>
      {topic.trend.length > 0 && (
        <BarChart
          label={`${title}: ${t("top.trendVolume")}`}
          seriesLabel={t("top.trendVolume")}
          categories={topic.trend.map((point) => point.month)}
          values={topic.trend.map((point) => point.volume)}
          format={(value) => value.toFixed(0)}
          height={200}
        />
      )}
      <details>
        <summary>{t("top.dataTable")}</summary>
        <Table
          class="table-compact"
          testId="topic-trend-table"
          columns={[{ label: t("top.month") }, { label: t("top.volume"), num: true }, { label: t("top.meanScore"), num: true }]}
        >
          {topic.trend.map((point) => (
            <tr key={point.month}>
              <th scope="row">{point.month}</th>
              <td class="num">{num(point.volume, 0)}</td>
              <td class="num">{num(point.meanScore, 2)}</td>
            </tr>
          ))}
        </Table>
      </details>
    </section>
  );
}

function TopicComments({ surveyId, query, topic, i18n }: { surveyId: string; query: Query; topic: Topic; i18n: TI18n }) {
  const { t, num, lang } = i18n;
  const [sentiment, setSentiment] = useState<Sentiment | "">("");
  const key = JSON.stringify([surveyId, query, topic.topic, sentiment]);
  const comments = useAsync(
    (signal) =>
      api<CommentList>(`/api/surveys/${encodeURIComponent(surveyId)}/open-answers/comments`, {
        query: { ...query, topic: topic.topic, sentiment: sentiment || undefined, limit: 20 },
        signal,
      }),
    [key],
  );
  return (
    <section class="topic-comments" aria-labelledby="topic-comments-title" data-testid="topic-comments">
      <div class="card-head">
        <h3 id="topic-comments-title">{t("top.drill", { topic: topicLabel(topic, lang) })}</h3>
        <label class="inline-field">
          <span>{t("top.filterSentiment")}</span>
          <select value={sentiment} onChange={(event) => setSentiment(event.currentTarget.value as Sentiment | "")}>
            <option value="">{t("top.allSentiments")}</option>
            {SENTIMENTS.map((value) => (
              <option key={value} value={value}>
                {t(`top.${value}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorAlert error={comments.error} onRetry={comments.reload} />
      {comments.loading && !comments.data && <Loading />}
      {comments.data && (
        <>
          <p class="muted small">{t("top.totalComments", { shown: num(comments.data.comments.length, 0), total: num(comments.data.total, 0) })}</p>
          <ul class="topic-comment-list">
            {comments.data.comments.map((comment, index) => (
              <li key={`${comment.responseId ?? ""}-${index}`} class={`sentiment-${comment.sentiment}`}>
                <blockquote lang={comment.language === "zh" ? "zh-CN" : comment.language === "en" ? "en" : undefined}>{comment.text}</blockquote>
                <p class="muted small">
                  {t(`top.${comment.sentiment}`)} · {t("top.score")} {num(comment.score, 2)} · {t("top.submitted")} {comment.submitted}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EmergingPhrases({ data, i18n }: { data: OpenAnswersResponse; i18n: TI18n }) {
  const { t, num } = i18n;
  return (
    <section aria-labelledby="emerging-title">
      <h3 id="emerging-title">{t("top.emerging")}</h3>
      <p class="muted small">{t("top.emergingHint")}</p>
      {data.emerging.length === 0 ? (
        <p class="empty">{t("top.noEmerging")}</p>
      ) : (
        <Table
          class="table-compact"
          testId="emerging-table"
          columns={[{ label: t("top.phrase") }, { label: t("top.count"), num: true }, { label: t("top.previous"), num: true }, { label: t("top.growth"), num: true }]}
        >
          {data.emerging.map((phrase) => (
            <tr key={phrase.phrase}>
              <th scope="row">{phrase.phrase}</th>
              <td class="num">{num(phrase.count, 0)}</td>
              <td class="num">{num(phrase.previousCount, 0)}</td>
              <td class="num">×{num(phrase.growth, 2)}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
