// The `:app` of the analytics paths that means the whole platform. In a module of its own, without
// zod, so that the dashboard takes it without the schemas.

/** `:app` value meaning the whole platform: every app, and activity on no app's page. */
export const ALL_APPS = "_all";
