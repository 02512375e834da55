import { Card } from "../../../components/ui";
import { useCT } from "../messages";
import type { ComplaintDetail } from "../types";
import { ResolutionView } from "./ResolutionView";

export function DescriptionCard({ complaint }: { complaint: ComplaintDetail }) {
  const ct = useCT();
  return (
    <Card title={ct("detail.description")}>
      <p class="free-text" data-testid="complaint-description">
        {complaint.description}
      </p>
      {complaint.attachments.length > 0 && (
        <>
          <h3>{ct("detail.attachments")}</h3>
          <ul data-testid="complaint-attachments">
            {complaint.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/api/complaints/${encodeURIComponent(complaint.id)}/attachments/${encodeURIComponent(a.id)}`} download={a.filename}>
                  {a.filename}
                </a>{" "}
                <span class="muted small">({Math.max(1, Math.round(a.size / 1024))} KB)</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {complaint.desiredRemedy && (
        <>
          <h3>{ct("detail.desiredRemedy")}</h3>
          <p class="free-text">{complaint.desiredRemedy}</p>
        </>
      )}
      {complaint.proposedRemedy && (
        <>
          <h3>{ct("detail.proposedRemedy")}</h3>
          <p class="free-text">{complaint.proposedRemedy}</p>
        </>
      )}
      {complaint.resolution && (
        <>
          <h3>{ct("detail.resolution")}</h3>
          <ResolutionView resolution={complaint.resolution} />
        </>
      )}
    </Card>
  );
}
