import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import PostalMime, { type Email } from "postal-mime";

/**
 * The e-mails that left through the EMAIL binding of the test's `wrangler dev`: Miniflare writes each
 * accepted message to <TMPDIR>/miniflare-<id>/files/email/<uuid>.eml (global-setup.ts points TMPDIR
 * at `mailDir`). Parsed with postal-mime, as a mail client would.
 */
export async function sentMails(mailDir: string): Promise<Email[]> {
  const files: string[] = [];
  for (const instance of readdirSync(mailDir).filter((name) => name.startsWith("miniflare-"))) {
    const dir = join(mailDir, instance, "files", "email");
    try {
      for (const name of readdirSync(dir)) if (name.endsWith(".eml")) files.push(join(dir, name));
    } catch {
      // no e-mail sent by this instance yet
    }
  }
  return Promise.all(files.map((file) => PostalMime.parse(readFileSync(file))));
}

/** Waits for the e-mail to `to` that `matches`, sent through the binding (delivery goes through the queue). */
export async function waitForMail(mailDir: string, to: string, matches: (email: Email) => boolean, timeoutMs = 20_000): Promise<Email> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await sentMails(mailDir)).find((email) => email.to?.some((address) => address.address === to) && matches(email));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} matching within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
