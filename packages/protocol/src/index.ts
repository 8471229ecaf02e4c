// Public types and validators shared by the tracker, the server and the dashboard.
export * from "./errors.js";
export * from "./presence-api.js";
export * from "./tokens.js";
export * from "./wire.js";
