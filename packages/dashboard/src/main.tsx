// Entry point: mounts the Rollcall web app into index.html.
// The shared styles go first so that each page's own stylesheet can refine them.
import "./ui/base.css";
import "./ui/controls.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app";
import { startTheme } from "./ui/theme";

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element");

startTheme();
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
