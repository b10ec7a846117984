import type { AddressInfo } from "node:net";
import { closeStores, createWebhookHandler } from "@dictstore/workflow";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { isMain } from "./is-main.ts";
import { signupWorkflow } from "./signup-workflow.ts";

/**
 * The HTTP adapter: a Hono app whose `POST /hooks/signup` runs the signup workflow with the request
 * as `steps.trigger.event` (so the seed's dedupe finds the email in `event.body`). The workflow
 * runtime speaks the Fetch API, so any framework that hands over a `Request` works the same way.
 */
export function createApp(options: { printLogs?: boolean } = {}): Hono {
  const app = new Hono();
  const signup = createWebhookHandler({ steps: signupWorkflow, printLogs: options.printLogs ?? true });
  app.post("/hooks/signup", (c) => signup(c.req.raw));
  app.get("/health", (c) => c.json({ ok: true }));
  return app;
}

/** Serves the app on 127.0.0.1 (`port` 0 picks a free one); resolves with its URL and a stop function. */
export function startServer(port = 0): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: createApp().fetch, port, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        stop: async () => {
          await new Promise<void>((done) => server.close(() => done()));
          await closeStores();
        },
      });
    });
  });
}

if (isMain(import.meta.url)) {
  const { url, stop } = await startServer(Number(process.env.PORT ?? 3000));
  console.log(`listening on ${url}`);
  console.log(
    `try: curl -X POST ${url}/hooks/signup -H 'content-type: application/json' -d '{"new_customer_email":"ada@example.com"}'`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
}
