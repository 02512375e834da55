import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../lib/api";
import { useI18n } from "../../../lib/i18n";
import { useSession } from "../../../lib/session";
import { Card, ErrorAlert, Field } from "../../../components/ui";
import { useCT } from "../messages";
import type { ComplaintDetail } from "../types";
import { useComplaintAction, type RefData, type Run } from "./useComplaintAction";

export function AssignmentCard({ complaint, refData, run }: { complaint: ComplaintDetail; refData?: RefData; run: Run }) {
  const ct = useCT();
  const { t } = useI18n();
  const { me } = useSession();
  const [teamId, setTeamId] = useState(complaint.teamId ?? "");
  const [assigneeId, setAssigneeId] = useState(complaint.assigneeId ?? "");
  const { busy, error, act: attempt } = useComplaintAction();
  useEffect(() => {
    setTeamId(complaint.teamId ?? "");
    setAssigneeId(complaint.assigneeId ?? "");
  }, [complaint.teamId, complaint.assigneeId]);
  const closed = complaint.state === "closed";
  const team = refData?.teams.find((x) => x.id === teamId);
  const people = team ? team.members.map((m) => ({ userId: m.userId, name: m.name, extra: m.openComplaints })) : (refData?.members ?? []).map((m) => ({ userId: m.userId, name: m.name, extra: undefined as number | undefined }));
  const act = (body: unknown) => attempt(() => run("assignment", body, ct("keys.done", { action: ct("detail.assign") })));
  return (
    <Card title={ct("detail.assignment")}>
      <p>
        {complaint.assignee?.name ?? <span class="muted">{t("common.unassigned")}</span>}
        {complaint.team && <span class="muted"> · {complaint.team.name}</span>}
      </p>
      {!closed && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void act({ teamId: teamId || null, assigneeId: assigneeId || null });
          }}
        >
          <ErrorAlert error={error} />
          <Field id="as-team" label={ct("detail.assignTeam")} error={error instanceof ApiError ? error.fieldError("teamId") : undefined}>
            {(p) => (
              <select {...p} value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
                <option value="">{ct("queue.noTeam")}</option>
                {refData?.teams.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="as-person" label={ct("detail.assignee")} error={error instanceof ApiError ? error.fieldError("assigneeId") : undefined}>
            {(p) => (
              <select {...p} value={assigneeId} onChange={(e) => setAssigneeId(e.currentTarget.value)}>
                <option value="">{t("common.unassigned")}</option>
                {people.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name}
                    {m.extra !== undefined ? ` (${m.extra})` : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("detail.assign")}
            </button>
            {me?.user.kind === "user" && (
              <button type="button" class="btn" disabled={busy} aria-keyshortcuts="m" onClick={() => void act({ teamId: complaint.teamId, assigneeId: me.user.id })}>
                {ct("detail.assignMe")}
              </button>
            )}
            <button type="button" class="btn" disabled={busy} onClick={() => void act({ auto: true })}>
              {ct("detail.autoRoute")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
