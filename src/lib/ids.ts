/** Random identifiers and secrets. */

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A url-safe secret of `length` characters from a CSPRNG (6 bits each; 32 chars = 192 bits). */
export function randomSecret(length = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += URL_SAFE[b & 63];
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomSecret(20)}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
