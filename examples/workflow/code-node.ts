import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeStores, codeNode } from "@dictstore/workflow";
import * as dedupe from "../seed/13-dedupe.ts";
import { isMain } from "./is-main.ts";
import { welcomeOnce } from "./welcome-once.ts";

/** An item as n8n passes it between nodes: the data under `json`. */
export interface N8nItem<TJson> {
  json: TJson;
}

/** The seed's dedupe as a code node: `(item, store) => Promise<email | false>`. */
export const dedupeNode = codeNode(dedupe.handler);

/**
 * The body of an n8n Code node in "Run Once for All Items" mode, as a function: each item's `json`
 * (here, a webhook node's output `{ body: { new_customer_email } }`) is the step's trigger event,
 * and the store is named by the workflow. Returns n8n items again.
 */
export async function runForAllItems(
  items: readonly N8nItem<dedupe.Steps["trigger"]["event"]>[],
  options: { outbox: string; storeName?: string },
): Promise<N8nItem<{ email: string; isNew: boolean; welcomed: boolean }>[]> {
  // No URL in the spec: the store comes from DICTSTORE_URL, or the embedded default.
  const store = { name: options.storeName ?? "customers" };
  const welcomeNode = codeNode(welcomeOnce, { inputs: { outbox: options.outbox } });
  const out: N8nItem<{ email: string; isNew: boolean; welcomed: boolean }>[] = [];
  for (const item of items) {
    const isNew = await dedupeNode(item.json, store);
    const welcomed = await welcomeNode(item.json, store);
    out.push({ json: { email: item.json.body.new_customer_email, isNew: isNew !== false, welcomed } });
  }
  return out;
}

if (isMain(import.meta.url)) {
  const outbox = join(mkdtempSync(join(tmpdir(), "dictstore-outbox-")), "outbox.txt");
  const emails = ["ada@example.com", "grace@example.com", "ada@example.com"];
  const items = emails.map((email) => ({ json: { body: { new_customer_email: email } } }));
  try {
    const result = await runForAllItems(items, { outbox, storeName: `customers-${Date.now()}` });
    console.log(JSON.stringify(result, null, 2));
    console.log(`outbox:\n${readFileSync(outbox, "utf8")}`);
  } finally {
    await closeStores();
  }
}
