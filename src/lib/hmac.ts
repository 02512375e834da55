/**
 * HMAC-SHA256 under a text secret (derived link secrets, invitation and unsubscribe tokens, the
 * e-mail thread key) and the base64url form that links carry.
 */

// The imported key per secret, once per isolate: a new complaint derives a status link, the
// follow-up consumer one per complaint of its set, the outbox a token per e-mail.
// The key itself is cached, not the import's promise: a promise another request settles would resume
// this request's code in that request's context.
const signingKeys = new Map<string, CryptoKey>();

async function signingKey(secret: string): Promise<CryptoKey> {
  const cached = signingKeys.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  signingKeys.set(secret, key);
  return key;
}

/** HMAC-SHA256(secret, message), 32 bytes. */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await signingKey(secret), new TextEncoder().encode(message)));
}

/** Bytes as url-safe base64 without padding (32 bytes: 43 characters). */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
