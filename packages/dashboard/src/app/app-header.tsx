// The top bar: product name, page navigation, who is signed in, and sign out.
import type { Viewer } from "@rollcall/protocol";
import { useState } from "react";
import { signOut } from "../auth/auth-api";
import { ThemeButton } from "../ui/theme-button";
import { Link, navigate } from "./router";

const ROLE_LABEL: Record<Viewer["role"], string> = {
  owner: "Owner",
  admin: "Admin",
  instructor: "Instructor",
};

export function AppHeader({ viewer, path }: { viewer: Viewer; path: string }) {
  const [isSigningOut, setIsSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isInstructor = viewer.role === "instructor";
  const isAnalytics = path === "/analytics" || path.startsWith("/analytics/");

  const handleSignOut = async () => {
    setIsSigningOut(true);
    setError(null);
    try {
      navigate(await signOut());
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "Sign-out failed.");
      setIsSigningOut(false);
    }
  };

  return (
    <header className="app-header">
      <Link to={isInstructor ? "/analytics" : "/"} className="brand" aria-label="Rollcall home">
        <span className="brand-mark" aria-hidden="true" />
        Rollcall
      </Link>
      <span className="platform-tag truncate" title={`Platform: ${viewer.platform}`}>
        {viewer.platform}
      </span>
      <nav className="app-nav" aria-label="Pages">
        {isInstructor ? null : (
          <Link
            to="/"
            className="app-nav-link"
            aria-current={path === "/" ? "page" : undefined}
            data-testid="nav-connected-users"
          >
            Connected users
          </Link>
        )}
        <Link
          to="/analytics"
          className="app-nav-link"
          aria-current={isAnalytics ? "page" : undefined}
          data-testid="nav-analytics"
        >
          Analytics
        </Link>
      </nav>
      <div className="app-header-end">
        {error ? (
          <span className="header-error" role="alert">
            {error}
          </span>
        ) : null}
        <span className="viewer" data-testid="viewer">
          <span className="viewer-name truncate" title={viewer.name || viewer.id}>
            {viewer.name || viewer.id}
          </span>
          <span className="badge viewer-role">{ROLE_LABEL[viewer.role]}</span>
        </span>
        <ThemeButton />
        <button
          type="button"
          className="button button-ghost"
          onClick={handleSignOut}
          disabled={isSigningOut}
          data-testid="sign-out"
        >
          {isSigningOut ? "Signing out…" : "Sign out"}
        </button>
      </div>
    </header>
  );
}
