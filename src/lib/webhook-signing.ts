/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, as in Formbricks PR #9123):
 *
 *   webhook-id:        a stable message id (the same on every retry of one event)
 *   webhook-timestamp: seconds since the epoch of this attempt
 *   webhook-signature: "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 *
 * The secret is `whsec_` + base64 of the key bytes; the HMAC key is the decoded bytes.
 */

export const WEBHOOK_SECRET_PREFIX = "whsec_";

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A new endpoint secret: 24 random bytes (192 bits), `whsec_<base64>`. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

function secretKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error("webhook secrets start with whsec_");
  return fromBase64(secret.slice(WEBHOOK_SECRET_PREFIX.length));
}

/** `v1,<base64 signature>` over `${id}.${timestamp}.${body}`. */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretKeyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`));
  return `v1,${toBase64(new Uint8Array(signature))}`;
}

/** The three headers plus the content type, for one attempt. */
export async function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "user-agent": "Feedloop-Webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": await signWebhook(secret, id, timestampSeconds, body),
  };
}

/**
 * Receiver-side check (for documentation and our own tooling): any of the space-separated v1
 * signatures matches, and the timestamp is within `toleranceSeconds` of now.
 */
export async function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): Promise<boolean> {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = (await signWebhook(secret, headers.id, timestamp, body)).slice(3);
  const key = await crypto.subtle.importKey("raw", secretKeyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  for (const candidate of headers.signature.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) continue;
    // Constant-time comparison through WebCrypto verify rather than string equality.
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(value);
    } catch {
      continue;
    }
    if (value.length === expected.length && (await crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(`${headers.id}.${timestamp}.${body}`)))) {
      return true;
    }
  }
  return false;
}
