// The demo platform: a learning site with mentors (apps), its pages and its people.

export interface DemoPage {
  path: string;
  title: string;
  app: string | null;
}

export const DEMO_PAGES: DemoPage[] = [
  { path: "/", title: "Home · Brightpath Academy", app: null },
  { path: "/courses", title: "All courses · Brightpath Academy", app: null },
  { path: "/mentors/math-mentor", title: "Math Mentor · Chat", app: "math-mentor" },
  { path: "/mentors/math-mentor/history", title: "Math Mentor · History", app: "math-mentor" },
  { path: "/mentors/writing-coach", title: "Writing Coach · Chat", app: "writing-coach" },
  { path: "/mentors/writing-coach/drafts", title: "Writing Coach · Drafts", app: "writing-coach" },
  { path: "/mentors/physics-tutor", title: "Physics Tutor · Chat", app: "physics-tutor" },
  { path: "/mentors/spanish-partner", title: "Spanish Partner · Chat", app: "spanish-partner" },
  {
    path: "/courses/algebra-1/lesson-4",
    title: "Algebra I · Lesson 4: Linear equations",
    app: "math-mentor",
  },
  { path: "/courses/essay-writing/week-2", title: "Essay Writing · Week 2", app: "writing-coach" },
  { path: "/settings/profile", title: "Your profile", app: null },
  { path: "/admin/users", title: "Admin · Users", app: null },
];

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Katherine",
  "Linus",
  "Margaret",
  "Tim",
  "Barbara",
  "Dennis",
  "Frances",
  "Ken",
  "Radia",
  "Guido",
  "Hedy",
  "John",
  "Sophie",
  "Yukihiro",
  "Mary",
  "Edsger",
  "Annie",
  "Vint",
  "Joan",
  "Donald",
  "Evelyn",
  "Bjarne",
  "Jean",
  "Niklaus",
  "Lynn",
  "Brian",
  "Adele",
  "Leslie",
  "Carol",
  "Ivan",
  "Shafi",
  "Ward",
  "Lois",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Johnson",
  "Torvalds",
  "Hamilton",
  "Berners-Lee",
  "Liskov",
  "Ritchie",
  "Allen",
  "Thompson",
  "Perlman",
  "van Rossum",
  "Lamarr",
  "McCarthy",
  "Wilson",
  "Matsumoto",
  "Keller",
  "Dijkstra",
  "Easley",
  "Cerf",
  "Clarke",
  "Knuth",
  "Berezin",
  "Stroustrup",
  "Bartik",
  "Wirth",
  "Conway",
  "Kernighan",
  "Goldberg",
  "Lamport",
  "Shaw",
  "Sutherland",
  "Goldwasser",
  "Cunningham",
  "Haibt",
];
const ROLES = [
  "Learner",
  "Learner",
  "Learner",
  "Learner",
  "Learner",
  "Instructor",
  "Learner",
  "Team",
  "Learner",
  "Admin",
  "Learner",
  "Owner",
];

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
  role: string;
}

export function demoPeople(count: number): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length) + 1) : "";
    return {
      id: `demo-${String(i + 1).padStart(4, "0")}`,
      name: `${first} ${last}${suffix ? ` ${suffix}` : ""}`,
      email:
        `${first}.${last}${suffix}`.toLowerCase().replace(/[^a-z0-9.]/g, "") +
        "@brightpath.example",
      role: ROLES[i % ROLES.length]!,
    };
  });
}
