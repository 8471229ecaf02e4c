// The email and password sign-in form for Rollcall's own operators.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/api-client";
import { navigate } from "../app/router";
import { ThemeButton } from "../ui/theme-button";
import { signIn } from "./auth-api";
import "./login.css";

export function LoginPage({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => emailRef.current?.focus(), []);

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
      <form className="login-card" onSubmit={handleSubmit} noValidate={false}>
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
        <p className="login-note">
          Operator accounts are created with the <code>rollcall</code> command line. Platform admins
          open Rollcall from their platform's admin pages instead.
        </p>
      </form>
    </main>
  );
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
