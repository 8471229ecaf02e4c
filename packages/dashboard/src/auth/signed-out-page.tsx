// After sign-out (or an ended session) for viewers who came from their platform: how to come back.
import { ThemeButton } from "../ui/theme-button";
import "./login.css";

export function SignedOutPage({ reason }: { reason: string | null }) {
  const isExpired = reason === "expired";
  return (
    <main className="login">
      <div className="login-corner">
        <ThemeButton />
      </div>
      <section className="login-card" data-testid="signed-out" aria-labelledby="signed-out-title">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
        </div>
        <h1 id="signed-out-title">{isExpired ? "Your session has ended" : "You are signed out"}</h1>
        <p className="login-lead">
          {isExpired
            ? "Sessions last a limited time, or an administrator ended yours."
            : "Rollcall no longer knows this browser."}
        </p>
        <p>
          To come back, open Rollcall again from your platform's admin pages: the link there signs
          you in. You can close this tab.
        </p>
        <p className="login-note">
          Rollcall operator with an email and password? <a href="/login">Sign in here</a>.
        </p>
      </section>
    </main>
  );
}
