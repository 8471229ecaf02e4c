// GET /api/v1/presence as a viewer (Bearer token) sees it: the shapes of DESIGN.md "HTTP API".

export type UserStatus = "online" | "idle" | "offline";

export interface PresencePage {
  path: string;
  title: string;
  app: string | null;
}

export interface PresenceUser {
  id: string;
  name: string;
  email: string;
  role: string;
  status: UserStatus;
  currentPage: PresencePage | null;
  sessionStartedAt: string | null;
  activeForSeconds: number | null;
  lastSeenAt: string | null;
  connections: number;
}

export interface PresenceSnapshot {
  updatedAt: string;
  summary: {
    totalUsers: number;
    online: number;
    idle: number;
    offline: number;
    avgSessionSeconds: number;
  };
  users: PresenceUser[];
}

export class PresenceApi {
  constructor(
    private readonly origin: string,
    private readonly viewerToken: string,
  ) {}

  async snapshot(query: Record<string, string> = {}): Promise<PresenceSnapshot> {
    const url = new URL("/api/v1/presence", this.origin);
    url.searchParams.set("limit", "1000");
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.viewerToken}` } });
    if (!res.ok) throw new Error(`GET ${url.pathname} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as PresenceSnapshot;
  }

  /** The user's row, or undefined when the platform does not know them. */
  async user(id: string): Promise<PresenceUser | undefined> {
    return (await this.snapshot()).users.find((user) => user.id === id);
  }

  /** The user's row; throws (so `eventually` retries) while the platform does not know them. */
  async requireUser(id: string): Promise<PresenceUser> {
    const user = await this.user(id);
    if (!user) throw new Error(`user "${id}" is not in GET /api/v1/presence`);
    return user;
  }
}
