// /api/docs: Swagger UI's page under a strict CSP, its files from the installed package, no others.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRollcall, type TestRollcall } from "../../testing/test-rollcall.js";

describe("the API docs routes", () => {
  let rollcall: TestRollcall;
  beforeAll(async () => {
    rollcall = await startTestRollcall();
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("serve the page with scripts from this server only", async () => {
    const page = await fetch(`${rollcall.url}/api/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]!);
    expect(scripts).toEqual(["/api/docs/viewer/swagger-ui-bundle.js", "/api/docs/viewer/start.js"]);
    expect(html).not.toMatch(/<script>|https?:\/\//);
    for (const script of scripts) {
      const file = await fetch(`${rollcall.url}${script}`);
      expect(file.status, script).toBe(200);
      expect(file.headers.get("content-type"), script).toMatch(/^text\/javascript/);
    }
    const start = await (await fetch(`${rollcall.url}/api/docs/viewer/start.js`)).text();
    expect(start).toContain('"/api/docs/openapi.json"');
  });

  it("answer HEAD for every GET as the description says: the GET's status and headers, no body", async () => {
    for (const path of ["/api/docs/openapi.json", "/healthz", "/api/v1/apps", "/no-such-page"]) {
      const got = await fetch(`${rollcall.url}${path}`);
      const head = await fetch(`${rollcall.url}${path}`, { method: "HEAD" });
      expect(head.status, path).toBe(got.status);
      expect(head.headers.get("content-type"), path).toBe(got.headers.get("content-type"));
      expect(await head.text(), path).toBe("");
    }
    const description = await (await fetch(`${rollcall.url}/api/docs/openapi.json`)).json();
    expect(description.info.description).toContain("Every GET also answers HEAD");
  });

  it("serve the viewer's own files and nothing else from its package", async () => {
    const css = await fetch(`${rollcall.url}/api/docs/viewer/swagger-ui.css`);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    for (const other of ["index.html", "package.json", "..%2Fpackage.json", "swagger-ui.js.map"]) {
      const answer = await fetch(`${rollcall.url}/api/docs/viewer/${other}`);
      expect(answer.status, other).toBe(404);
    }
  });
});
