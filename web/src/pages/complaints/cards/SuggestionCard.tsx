/**
 * The suggested category of a complaint (issue 14): what the text engine or the organisation's own
 * model proposes, with the sentiment/urgency hint; staff accept it or change it to another category.
 * Either decision changes the complaint's category through the complaint workflow and teaches the
 * organisation's model once (POST /api/complaints/{id}/suggestion).
 */
import { useState } from "preact/hooks";
import { api } from "../../../lib/api";
import { useAsync } from "../../../lib/hooks";
import { makeMessagesHook } from "../../../lib/i18n";
import { Badge, Card, ErrorAlert, Field } from "../../../components/ui";
import { useLabel } from "../messages";
import { useComplaintAction } from "./useComplaintAction";
import type { ComplaintSuggestion } from "../../../../../src/contracts/text-analytics";

const en = {
  title: "Suggested category",
  pending: "The description is still being analysed; the suggestion appears in a moment.",
  none: "No category could be suggested from this text.",
  basis_keywords: "from the topic keywords",
  basis_organisation_model: "learnt from your team's earlier decisions",
  confidence: "confidence {value}",
  sentiment: "Tone",
  urgency: "Urgency",
  cues: "cues: {cues}",
  accept: "Accept",
  change: "Change to",
  changeButton: "Change category",
  accepted: "Accepted: {category}",
  changed: "Changed to {category} (suggested: {suggested})",
  "sentiment.positive": "positive",
  "sentiment.neutral": "neutral",
  "sentiment.negative": "negative",
  "urgency.low": "low",
  "urgency.normal": "normal",
  "urgency.high": "high",
};
type SKey = keyof typeof en;
const zh: Record<SKey, string> = {
  title: "建议分类",
  pending: "正在分析描述文字，建议稍后出现。",
  none: "无法根据这段文字建议分类。",
  basis_keywords: "依据主题关键词",
  basis_organisation_model: "从团队以往的决定中学到",
  confidence: "把握度 {value}",
  sentiment: "语气",
  urgency: "紧急程度",
  cues: "线索：{cues}",
  accept: "采纳",
  change: "改为",
  changeButton: "更改分类",
  accepted: "已采纳：{category}",
  changed: "已改为{category}（建议：{suggested}）",
  "sentiment.positive": "正面",
  "sentiment.neutral": "中性",
  "sentiment.negative": "负面",
  "urgency.low": "低",
  "urgency.normal": "一般",
  "urgency.high": "高",
};

const useST = makeMessagesHook(en, zh);

export function SuggestionCard({ complaintId, categories, onDecided }: { complaintId: string; categories: string[]; onDecided: () => void }) {
  const { t: st, pct } = useST();
  const label = useLabel();
  const path = `/api/complaints/${encodeURIComponent(complaintId)}/suggestion`;
  const state = useAsync((signal) => api<ComplaintSuggestion>(path, { signal }), [complaintId]);
  const [decided, setDecided] = useState<ComplaintSuggestion>();
  const [other, setOther] = useState("");
  const { busy, error, act } = useComplaintAction();
  const suggestion = decided ?? state.data;

  async function decide(category: string) {
    const result = await act(() => api<ComplaintSuggestion>(path, { method: "POST", body: { category } }));
    if (!result) return;
    setDecided(result);
    onDecided();
  }

  return (
    <Card title={st("title")} id="suggestion">
      <ErrorAlert error={state.error} onRetry={state.reload} />
      <ErrorAlert error={error} />
      {suggestion?.status === "pending" && <p class="muted small">{st("pending")}</p>}
      {suggestion?.status === "ready" && (
        <div data-testid="suggestion">
          {suggestion.suggestedCategory ? (
            <p>
              <strong data-testid="suggested-category">{label("category", suggestion.suggestedCategory)}</strong>{" "}
              <span class="muted small">
                {suggestion.basis && st(`basis_${suggestion.basis}`)}
                {suggestion.confidence !== null && ` · ${st("confidence", { value: pct(suggestion.confidence, 0) })}`}
              </span>
            </p>
          ) : (
            <p class="muted small">{st("none")}</p>
          )}
          <dl class="facts facts-inline small">
            {suggestion.sentiment && (
              <div>
                <dt>{st("sentiment")}</dt>
                <dd>{st(`sentiment.${suggestion.sentiment}`)}</dd>
              </div>
            )}
            {suggestion.urgency && (
              <div>
                <dt>{st("urgency")}</dt>
                <dd>
                  <Badge tone={suggestion.urgency === "high" ? "bad" : suggestion.urgency === "normal" ? "warn" : "muted"}>{st(`urgency.${suggestion.urgency}`)}</Badge>
                  {suggestion.urgencyCues.length > 0 && <span class="muted"> {st("cues", { cues: suggestion.urgencyCues.join(", ") })}</span>}
                </dd>
              </div>
            )}
          </dl>
          {suggestion.decision ? (
            <p role="status" data-testid="suggestion-decision">
              {suggestion.decision === "accepted"
                ? st("accepted", { category: label("category", suggestion.decidedCategory) })
                : st("changed", { category: label("category", suggestion.decidedCategory), suggested: label("category", suggestion.suggestedCategory) })}
            </p>
          ) : (
            <div class="form">
              {suggestion.suggestedCategory && (
                <div>
                  <button type="button" class="btn btn-primary" disabled={busy} onClick={() => decide(suggestion.suggestedCategory!)} data-testid="accept-suggestion">
                    {st("accept")}
                  </button>
                </div>
              )}
              <form
                class="inline-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  if (other) void decide(other);
                }}
              >
                <Field id="suggestion-other" label={st("change")}>
                  {(props) => (
                    <select {...props} value={other} onChange={(event) => setOther(event.currentTarget.value)}>
                      <option value="">—</option>
                      {categories
                        .filter((category) => category !== suggestion.suggestedCategory)
                        .map((category) => (
                          <option key={category} value={category}>
                            {label("category", category)}
                          </option>
                        ))}
                    </select>
                  )}
                </Field>
                <button type="submit" class="btn" disabled={busy || !other}>
                  {st("changeButton")}
                </button>
              </form>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
