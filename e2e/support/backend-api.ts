// The host platform's backend calls (platform secret): users and backfilled events, as test data.
export interface BackfillEvent {
  id: string;
  user: string;
  name: string;
  app: string;
  ts: string;
}

async function send(origin: string, secret: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
}

/** Registers `count` learners and gives each a few messages in `app` over the last days. */
export async function seedLearners(
  origin: string,
  secret: string,
  app: string,
  count: number,
): Promise<void> {
  const events: BackfillEvent[] = [];
  const now = Date.now();
  for (let u = 0; u < count; u++) {
    await send(origin, secret, "PUT", `/api/v1/users/seed-${u}`, {
      name: u === 0 ? "Maximilian Alexander von Lengthyname-Smith" : `Learner ${u}`,
      email:
        u === 0
          ? "maximilian.alexander.von.lengthyname-smith@school.example"
          : `l${u}@school.example`,
      role: "Learner",
    });
    for (let day = 0; day < 1 + (u % 5); day++) {
      events.push({
        id: `seed-${u}-${day}`,
        user: `seed-${u}`,
        name: "message",
        app,
        ts: new Date(now - day * 86_400_000 - (u + 1) * 420_000).toISOString(),
      });
    }
  }
  await send(origin, secret, "POST", "/api/v1/events", { events });
}
