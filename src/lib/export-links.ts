/**
 * The download link of a finished export: `/api/exports/<id>/download?expires=<ms>&sig=<hmac>`, where
 * the HMAC (LINK_SIGNING_SECRET, src/lib/link-secrets.ts) covers the export id, the organisation and the
 * expiry. Nothing is stored: the link is re-derived from the export row when the staff app asks for
 * it. The download route also requires a signed-in member of that organisation with the export's
 * permission, so a leaked link alone downloads nothing.
 */
import type { AppBindings } from "../env";
import { constantTimeEqual, linkSecret } from "./link-secrets";

/** How long a finished export can be downloaded; the retention purge deletes its parts afterwards. */
export const EXPORT_LINK_TTL_MS = 24 * 60 * 60 * 1000;

function subject(exportId: string, organizationId: string, expiresAtMs: number): string {
  return `${exportId}:${organizationId}:${expiresAtMs}`;
}

export async function exportDownloadPath(env: Pick<AppBindings, "LINK_SIGNING_SECRET">, exportId: string, organizationId: string, expiresAtMs: number): Promise<string> {
  const sig = await linkSecret(env, "export-download", subject(exportId, organizationId, expiresAtMs));
  return `/api/exports/${encodeURIComponent(exportId)}/download?expires=${expiresAtMs}&sig=${sig}`;
}

export type DownloadLinkCheck = "valid" | "forged" | "expired";

/** Signature first (a forged expiry is "forged", not "expired"), then the expiry. */
export async function checkExportDownloadLink(
  env: Pick<AppBindings, "LINK_SIGNING_SECRET">,
  link: { exportId: string; organizationId: string; expiresAtMs: number; sig: string },
  now: number,
): Promise<DownloadLinkCheck> {
  const expected = await linkSecret(env, "export-download", subject(link.exportId, link.organizationId, link.expiresAtMs));
  if (!constantTimeEqual(link.sig, expected)) return "forged";
  return link.expiresAtMs > now ? "valid" : "expired";
}
