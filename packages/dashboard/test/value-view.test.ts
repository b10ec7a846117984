import { createAsyncStore, memoryBackend } from "@dictstore/core";
import {
  createDashboardHandler,
  type RecordResponse,
  type RecordsResponse,
  type ViewNode,
} from "@dictstore/dashboard";
import { describe, expect, it } from "vitest";

/* How values look through the API: the view tree with rich types marked, previews, and editor text. */

const TOKEN = "value-view-test-token-0123456789abcdef";

async function record(value: unknown): Promise<RecordResponse> {
  const backend = memoryBackend();
  await createAsyncStore({ backend, name: "s" }).set("k", value);
  const handler = createDashboardHandler({ backend, token: TOKEN });
  const response = await handler(
    new Request("http://127.0.0.1/api/record?store=s&key=k", {
      headers: { authorization: `Bearer ${TOKEN}` },
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as RecordResponse;
}

async function row(value: unknown): Promise<RecordsResponse["records"][number]> {
  const backend = memoryBackend();
  await createAsyncStore({ backend, name: "s" }).set("k", value);
  const handler = createDashboardHandler({ backend, token: TOKEN });
  const response = await handler(
    new Request("http://127.0.0.1/api/records?store=s", { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  return ((await response.json()) as RecordsResponse).records[0] as RecordsResponse["records"][number];
}

const rich = (type: string, text: string, label = type): ViewNode =>
  ({ t: "rich", type, label, text }) as ViewNode;

describe("value view", () => {
  it("marks every rich type and keeps plain JSON plain", async () => {
    const value = [
      undefined,
      -0,
      Number.POSITIVE_INFINITY,
      /a+b/gi,
      new URL("https://example.com/x?y=1"),
      new TypeError("bad"),
      new Uint8Array([0, 15, 255]),
      null,
      true,
      "s",
      1.5,
    ];
    const { view, type } = await record(value);
    expect(type).toBe("array");
    expect(view).toEqual({
      t: "array",
      items: [
        rich("undefined", "undefined"),
        rich("Number", "-0"),
        rich("Number", "Infinity"),
        rich("RegExp", "/a+b/gi"),
        rich("URL", "https://example.com/x?y=1"),
        rich("Error", "TypeError: bad", "TypeError"),
        rich("Bytes", "00 0f ff", "Uint8Array"),
        { t: "null" },
        { t: "boolean", v: true },
        { t: "string", v: "s" },
        { t: "number", v: 1.5 },
      ],
    });
  });

  it("shows a shared or cyclic object once, then by reference", async () => {
    const node: Record<string, unknown> = { name: "n" };
    node.self = node;
    const { view } = await record(new Map([["a", node]]));
    expect(view).toEqual({
      t: "map",
      entries: [
        [
          { t: "string", v: "a" },
          {
            t: "object",
            entries: [
              ["name", { t: "string", v: "n" }],
              ["self", { t: "ref", path: ".get(0)" }],
            ],
          },
        ],
      ],
    });
  });

  it("caps huge views and says how much was left out", async () => {
    const { view } = await record(Array.from({ length: 30_000 }, (_, i) => i));
    expect(view.t).toBe("array");
    const items = (view as { items: ViewNode[] }).items;
    expect(items.length).toBeLessThan(30_000);
    expect(items.at(-1)).toEqual({ t: "more", count: 30_000 - (items.length - 1) });
  });

  it("gives editor text in plain JSON or superjson form, short arrays on one line", async () => {
    expect((await record({ a: [1, 2], b: { c: "d" } })).edit).toEqual({
      format: "json",
      text: '{\n  "a": [1, 2],\n  "b": {\n    "c": "d"\n  }\n}',
    });
    const { edit } = await record({ at: new Date(0) });
    expect(edit.format).toBe("superjson");
    expect(JSON.parse(edit.text)).toEqual({
      json: { at: "1970-01-01T00:00:00.000Z" },
      meta: { values: { at: ["Date"] }, v: 1 },
    });
    expect(edit.text).toContain('"at": ["Date"]');
  });
});

describe("list previews", () => {
  it("renders values on one line with rich types marked, cut to 160 characters", async () => {
    expect(await row({ at: new Date(0), n: 10n, s: new Set([1]) })).toMatchObject({
      preview: '{"at": Date(1970-01-01T00:00:00.000Z), "n": 10n, "s": Set[1]}',
      truncated: false,
      type: "object",
    });
    const long = await row("y".repeat(500));
    expect(long.preview).toHaveLength(160);
    expect(long.preview.endsWith("…")).toBe(true);
    expect(long.truncated).toBe(true);
    expect(await row(new Date(0))).toMatchObject({ type: "Date", preview: "Date(1970-01-01T00:00:00.000Z)" });
  });
});
