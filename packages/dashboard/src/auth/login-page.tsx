// The email and password sign-in form for Rollcall's own operators.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/api-client";
import { navigate } from "../app/router";
import { ThemeButton } from "../ui/theme-button";
import { fetchSignInMethods, type SignInMethods, signIn, startSingleSignOn } from "./auth-api";
import "./login.css";

/** What the login page says when single sign-on came back without a session (`?sso=`). */
const SSO_FAILURES: Record<string, string> = {
  refused:
    "Your account at the identity provider is not allowed into Rollcall. Ask whoever runs Rollcall to add your group or email domain.",
  failed: "Single sign-on could not be completed. Try again.",
  expired: "That sign-in took too long or was started in another browser. Try again.",
  cancelled: "Single sign-on was cancelled at the identity provider.",
  unavailable: "The identity provider cannot be reached right now. Try again in a moment.",
};

export function LoginPage({ next, sso }: { next: string; sso?: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(sso ? (SSO_FAILURES[sso] ?? null) : null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchSignInMethods(controller.signal).then(
      (found) => setMethods(found),
      () => setMethods({ password: true, oidc: null }),
    );
    return () => controller.abort();
  }, []);
  useEffect(() => {
    if (methods?.password) emailRef.current?.focus();
  }, [methods]);
  const isPasswordOn = methods?.password !== false;

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (failure) {
      setError(describeLoginError(failure));
      setIsSubmitting(false);
    }
  };

  return (
    <main className="login">
      <div className="login-corner">
        <ThemeButton />
      </div>
      <form className="login-card" onSubmit={handleSubmit} noValidate={false} aria-busy={!methods}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
        </div>
        <h1>Sign in</h1>
        <p className="login-lead">Real-time presence of your platform's users.</p>
        {error ? (
          <div className="alert alert-error" role="alert" data-testid="login-error">
            {error}
          </div>
        ) : null}
        {methods?.oidc ? (
          <button
            type="button"
            className={`button ${isPasswordOn ? "" : "button-primary "}login-submit`}
            onClick={() => startSingleSignOn(methods, next)}
            data-testid="login-sso"
          >
            Sign in with {methods.oidc.name}
          </button>
        ) : null}
        {methods?.oidc && isPasswordOn ? (
          <div className="login-or" aria-hidden="true">
            or with a Rollcall password
          </div>
        ) : null}
        {isPasswordOn ? passwordFields() : null}
        <p className="login-note">
          {isPasswordOn
            ? "Operator accounts are created with the rollcall command line. "
            : "Password sign-in is switched off here. "}
          Platform admins open Rollcall from their platform's admin pages instead.
        </p>
      </form>
    </main>
  );

  /** The email and password fields (a plain function: the inputs keep focus across renders). */
  function passwordFields() {
    return (
      <>
        <label className="field">
          <span>Email</span>
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="username"
            required
            ref={emailRef}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            data-testid="login-email"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="login-password"
          />
        </label>
        <button
          type="submit"
          className="button button-primary login-submit"
          disabled={isSubmitting}
          data-testid="login-submit"
        >
          {isSubmitting ? "Signing in…" : "Sign in"}
        </button>
      </>
    );
  }
}

function describeLoginError(failure: unknown): string {
  if (!(failure instanceof ApiError)) return "Sign-in failed. Try again.";
  if (failure.status === 401) return "Wrong email or password. Check both and try again.";
  if (failure.status === 429) {
    // The server's own words first (they may say why), then when to come back.
    const reason =
      failure.code === "rate_limited" && failure.message
        ? failure.message.replace(/[.!]?$/, ".")
        : "Too many sign-in attempts.";
    const wait = failure.retryAfterSeconds;
    if (!wait) return `${reason} Wait a minute before trying again.`;
    const delay = wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
    return `${reason} You can try again in ${delay}.`;
  }
  if (failure.code === "network") return failure.message;
  return `Sign-in failed: ${failure.message}`;
}
