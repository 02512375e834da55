import { useCT, type CKey } from "../messages";

export function ResolutionView({ resolution }: { resolution: Record<string, unknown> }) {
  const ct = useCT();
  const outcome = String(resolution.outcome ?? "");
  return (
    <div>
      <p>
        <strong>
          {outcome === "duplicate"
            ? ct("form.outcome.duplicate", { reference: String(resolution.duplicateOfReference ?? "") })
            : outcome === "accepted" || outcome === "closed_with_disagreement"
              ? ct(`form.outcome.${outcome}` as CKey)
              : outcome}
        </strong>
      </p>
      {typeof resolution.customerDisagreement === "string" && <p class="free-text">{resolution.customerDisagreement}</p>}
      {typeof resolution.alternativesOffered === "string" && <p class="free-text muted">{resolution.alternativesOffered}</p>}
    </div>
  );
}
