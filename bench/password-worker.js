// Bench worker for bench/password.bench.ts: `?segments=n` runs n chained PBKDF2-HMAC-SHA256 calls of
// 100,000 iterations (as src/auth/password.ts does); 0 is the empty-request baseline.
export default {
  async fetch(request) {
    const segments = Number(new URL(request.url).searchParams.get("segments") ?? 0);
    let material = new TextEncoder().encode("correct horse battery");
    const salt = crypto.getRandomValues(new Uint8Array(16));
    for (let i = 0; i < segments; i++) {
      const key = await crypto.subtle.importKey("raw", material, "PBKDF2", false, ["deriveBits"]);
      material = new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 100_000 }, key, 256));
    }
    return new Response(String(material.length));
  },
};
