// Public types and validators shared by the tracker, the server and the dashboard.
export * from "./all-apps.js";
export * from "./analytics-api.js";
export * from "./errors.js";
export * from "./presence-api.js";
export * from "./presence-order.js";
export * from "./search-examples.js";
export * from "./search-text.js";
export * from "./share-links.js";
export * from "./summary-cards.js";
export * from "./tokens.js";
export * from "./wire.js";
