import { Card } from "../../../components/ui";
import { useI18n } from "../../../lib/i18n";
import { useCT } from "../messages";
import type { ComplaintDetail } from "../types";

export function HandlingCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  const { t, num, date } = useI18n();
  const h = complaint.handlingSurvey;
  return (
    <Card title={ct("detail.handling")}>
      {!h.invitationIssued ? (
        <p class="muted small">{ct("detail.handlingNone")}</p>
      ) : !h.respondedAt ? (
        <p class="muted small">{ct("detail.handlingPending")}</p>
      ) : (
        <dl class="facts facts-inline">
          <div>
            <dt>CSAT</dt>
            <dd>{num(h.csat, 0)}</dd>
          </div>
          <div>
            <dt>CES</dt>
            <dd>{num(h.ces, 0)}</dd>
          </div>
          <div>
            <dt>{ct("detail.resolved")}</dt>
            <dd>{h.resolved === null ? "—" : h.resolved ? t("common.yes") : t("common.no")}</dd>
          </div>
          <div>
            <dt>{ct("detail.received")}</dt>
            <dd>{date(h.respondedAt, true)}</dd>
          </div>
        </dl>
      )}
    </Card>
  );
}
