// Copies the page's address, which holds the whole view, so it can be shared.
import { CopyButton } from "../ui/copy-button";

export function CopyLinkButton() {
  return (
    <CopyButton
      text={() => window.location.href}
      label="Copy link"
      copiedLabel="Link copied"
      failedLabel="Copy the address bar"
      title="The link reopens this exact view: range, time zone, filters, sort and page"
      testId="copy-link"
    />
  );
}
