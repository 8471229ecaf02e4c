// The app's open share links in the Share dialog: what each shows, until when, copy and revoke.
import { useEffect, useRef, useState } from "react";
import { describeRange } from "../analytics/range-label";
import type { ApiData } from "../analytics/use-api-data";
import { formatZonedDateTime } from "../analytics/zoned-date";
import { ApiError } from "../api/api-client";
import { CopyButton } from "../ui/copy-button";
import { revokeShareLink, type ShareLinkInfo, shareUrl } from "./share-api";

interface ShareLinkListProps {
  app: string;
  links: ApiData<{ links: ShareLinkInfo[] }>;
  /** The zone the times are written in. */
  tz: string;
  onRevoked: () => void;
}

export function ShareLinkList({ app, links, tz, onRevoked }: ShareLinkListProps) {
  const list = links.data?.links ?? [];
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The revoked row goes away with the focus it held: the list's heading takes it.
  const revoked = () => {
    headingRef.current?.focus();
    onRevoked();
  };
  return (
    <section className="share-list" aria-labelledby="share-list-title">
      <h3 id="share-list-title" ref={headingRef} tabIndex={-1}>
        Open links to this app
      </h3>
      {links.error ? (
        <div className="alert alert-error" role="alert">
          {links.error.message}
          <button type="button" className="button button-small" onClick={links.retry}>
            Try again
          </button>
        </div>
      ) : links.data === null ? (
        <p className="share-note">Loading…</p>
      ) : list.length === 0 ? (
        <p className="share-note" data-testid="share-none">
          No open links. Expired and revoked links are not listed.
        </p>
      ) : (
        <ul className="share-links" data-testid="share-links">
          {list.map((link) => (
            <ShareLinkRow key={link.id} app={app} link={link} tz={tz} onRevoked={revoked} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ShareLinkRow({
  app,
  link,
  tz,
  onRevoked,
}: {
  app: string;
  link: ShareLinkInfo;
  tz: string;
  onRevoked: () => void;
}) {
  const [isConfirming, setIsConfirming] = useState(false);
  const [isRevoking, setIsRevoking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  // Asked to confirm, the safe answer has the focus (the button pressed is gone).
  useEffect(() => {
    if (isConfirming) keepRef.current?.focus();
  }, [isConfirming]);
  const rangeName = describeRange({ range: link.range, from: link.from ?? "", to: link.to ?? "" });
  const range = link.range === "custom" ? rangeName : `${rangeName} (rolling)`;
  const name = link.label ?? `${rangeName} report`;

  const revoke = async () => {
    setIsRevoking(true);
    setProblem(null);
    try {
      await revokeShareLink(app, link.id);
      onRevoked();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : "The link could not be revoked.");
      setIsRevoking(false);
    }
  };

  return (
    <li className="share-link" data-testid="share-link" data-link-id={link.id}>
      <div className="share-link-text">
        <div className="share-link-name truncate" title={name}>
          {name}
        </div>
        <div className="share-link-meta">
          {range} · {link.tz} ·{" "}
          <span className={link.includeTable ? "share-table-on" : undefined}>
            {link.includeTable ? "user table included" : "no user table"}
          </span>
        </div>
        <div className="share-link-meta">
          Expires {formatZonedDateTime(link.expiresAt, tz)} · made by {link.createdBy.name}
        </div>
        {problem ? (
          <div className="alert alert-error" role="alert">
            {problem}
          </div>
        ) : null}
      </div>
      <div className="share-link-actions">
        {isConfirming ? (
          <>
            <span className="share-confirm" id={`revoke-${link.id}`}>
              Revoke? The link stops working at once.
            </span>
            <button
              type="button"
              className="button button-small button-danger"
              onClick={() => void revoke()}
              disabled={isRevoking}
              aria-describedby={`revoke-${link.id}`}
              data-testid="share-revoke-confirm"
            >
              {isRevoking ? "Revoking…" : "Revoke"}
            </button>
            <button
              ref={keepRef}
              type="button"
              className="button button-small"
              onClick={() => setIsConfirming(false)}
            >
              Keep
            </button>
          </>
        ) : (
          <>
            <CopyButton
              text={() => shareUrl(link)}
              label="Copy"
              className="button button-small"
              title="Copy this link"
            />
            <button
              type="button"
              className="button button-small"
              onClick={() => setIsConfirming(true)}
              aria-label={`Revoke ${name}`}
              data-testid="share-revoke"
            >
              Revoke
            </button>
          </>
        )}
      </div>
    </li>
  );
}
