import { useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { useI18n } from "../lib/i18n";
import { useSession } from "../lib/session";
import { ErrorAlert, Field, PageHeader } from "../components/ui";

export function SignInPage(_props: { next: string | null }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});

  async function submit(event: Event) {
    event.preventDefault();
    const errors: typeof fieldErrors = {};
    if (!email.trim()) errors.email = t("signIn.emailRequired");
    if (!password) errors.password = t("signIn.passwordRequired");
    setFieldErrors(errors);
    if (errors.email || errors.password) return;
    setBusy(true);
    setError(undefined);
    try {
      await api("/api/auth/sign-in/email", { method: "POST", body: { email: email.trim(), password }, silent401: true });
      // The signed-in shell then redirects from /sign-in to `next` or the role's start page.
      await refresh();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400)) setError(new Error(t("signIn.failed")));
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="card sign-in">
      <PageHeader title={t("signIn.title")} subtitle={t("signIn.subtitle")} />
      <form onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <Field id="email" label={t("signIn.email")} error={fieldErrors.email}>
          {(p) => <input {...p} type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field id="password" label={t("signIn.password")} error={fieldErrors.password}>
          {(p) => (
            <input {...p} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t("signIn.busy") : t("signIn.submit")}
        </button>
      </form>
    </div>
  );
}
