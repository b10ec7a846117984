import { api } from "./api.ts";
import { App } from "./app.ts";
import { h } from "./dom.ts";

// The server already answered ?token= with a redirect that drops it; this is the second line of defence.
if (new URLSearchParams(location.search).has("token")) {
  history.replaceState(null, "", location.pathname + location.hash);
}

const root = document.getElementById("app") as HTMLElement;
api
  .info()
  .then((info) => new App(root, info).start())
  .catch((error: unknown) => {
    root.replaceChildren(
      h(
        "p",
        { class: "fatal" },
        `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  });
