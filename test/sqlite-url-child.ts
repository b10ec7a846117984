/*
 * Opens a backend for each URL given and prints one JSON line per URL: the backend's name and
 * flags, or the StoreError code and message. Used by sqlite-url.test.ts, under a loader hook
 * that makes packages unresolvable, to prove backends are loaded only when a URL names them.
 */
import { backendFromUrl } from "@dictstore/core";

for (const url of process.argv.slice(2)) {
  try {
    const backend = await backendFromUrl(url);
    process.stdout.write(
      `${JSON.stringify({ url, name: backend.name, persistent: backend.flags.persistent })}\n`,
    );
    await backend.dispose?.();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    process.stdout.write(`${JSON.stringify({ url, code, message })}\n`);
  }
}
