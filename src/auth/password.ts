/**
 * Password hashing with WebCrypto PBKDF2-HMAC-SHA256 and a per-user random salt, at OWASP's current
 * work factor for it: 600,000 iterations. Chosen over better-auth's default scrypt because scrypt
 * costs ≈ 100 ms of CPU per hash in workerd.
 *
 * Cloudflare's runtime refuses a single PBKDF2 call above 100,000 iterations (workerd#1346; the local
 * workerd does not enforce it, so only a deployed Worker would fail). The 600,000 are therefore six
 * chained PBKDF2 segments of 100,000: each segment's 32-byte output is the next one's password, same
 * salt. A guess costs an attacker the same 600,000 HMAC iterations in sequence, with no shortcut;
 * measured CPU cost in docs/security.md.
 *
 * Formats: `pbkdf2-sha256-chain$<segments>x<iterations>$<salt b64>$<hash b64>` (new), and the earlier
 * single-segment `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`, still verified.
 */
/** The platform's ceiling for one PBKDF2 call (Cloudflare Workers). */
export const MAX_ITERATIONS_PER_CALL = 100_000;
/** OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256, 600,000 iterations. */
export const PRODUCTION_SEGMENTS = 6;
/**
 * Local runs and the development test project (explicit opt-ins, never a deployment) hash at a sixth of
 * the cost: the test suites sign in hundreds of accounts on two shared cores. Every stored hash names
 * its own cost, so each verifies anywhere; the production test project checks the full cost.
 */
export const DEVELOPMENT_SEGMENTS = 1;
const KEY_BYTES = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function derive(password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BYTES * 8);
  return new Uint8Array(bits);
}

/** `segments` chained PBKDF2 calls of `iterations` each. */
async function deriveChain(password: string, salt: Uint8Array<ArrayBuffer>, segments: number, iterations: number): Promise<Uint8Array> {
  let material: Uint8Array<ArrayBuffer> = new TextEncoder().encode(password);
  for (let i = 0; i < segments; i++) material = await derive(material, salt, iterations);
  return material;
}

export async function hashPassword(password: string, segments = PRODUCTION_SEGMENTS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await deriveChain(password, salt, segments, MAX_ITERATIONS_PER_CALL);
  return `pbkdf2-sha256-chain$${segments}x${MAX_ITERATIONS_PER_CALL}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Segments and iterations of a stored hash; null for anything malformed or beyond what a call may do. */
function costOf(scheme: string, costText: string): { segments: number; iterations: number } | null {
  const cost =
    scheme === "pbkdf2-sha256-chain"
      ? /^(\d{1,2})x(\d{1,6})$/.exec(costText)?.slice(1).map(Number)
      : scheme === "pbkdf2-sha256" && /^\d{1,6}$/.test(costText)
        ? [1, Number(costText)]
        : undefined;
  if (!cost) return null;
  const [segments, iterations] = cost as [number, number];
  if (segments < 1 || segments > 20 || iterations < 1 || iterations > MAX_ITERATIONS_PER_CALL) return null;
  return { segments, iterations };
}

export async function verifyPassword({ hash, password }: { hash: string; password: string }): Promise<boolean> {
  const [scheme, costText, saltText, hashText] = hash.split("$");
  if (!scheme || !costText || !saltText || !hashText) return false;
  const cost = costOf(scheme, costText);
  if (!cost) return false;
  const expected = fromBase64(hashText);
  const actual = await deriveChain(password, fromBase64(saltText), cost.segments, cost.iterations);
  if (actual.length !== expected.length) return false;
  // Constant-time comparison: do not leak how many leading bytes matched.
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!;
  return diff === 0;
}
