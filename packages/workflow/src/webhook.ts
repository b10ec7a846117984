import { checkWorkflow, runWorkflow, type WorkflowResult, type WorkflowStep } from "./run-workflow.ts";

/** The trigger event of an HTTP workflow, as steps read it in `pd.steps.trigger.event`. */
export interface HttpEvent {
  readonly method: string;
  /** The URL path, e.g. `"/hooks/signup"`. */
  readonly path: string;
  /** Query parameters (the last value wins for repeated names). */
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed body: JSON, a form as an object, other text as a string, `null` when empty. */
  readonly body: unknown;
}

/** Options of `createWebhookHandler`. */
export interface WebhookOptions {
  /** The workflow a request runs. */
  readonly steps: readonly WorkflowStep[];
  /** Largest accepted body, in bytes; larger requests get 413. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** Called with every run's full result (logs included), e.g. to record it. */
  readonly onResult?: (result: WorkflowResult, event: HttpEvent) => void;
  /** Also print what the steps log. @default false */
  readonly printLogs?: boolean;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

function json(status: number, payload: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(payload), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Reads at most `limit` bytes of the body; null when it is larger. */
async function readBody(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  const reader = request.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string, contentType: string): unknown {
  if (text === "") return null;
  if (contentType.includes("application/json") || contentType.includes("+json")) return JSON.parse(text);
  if (contentType.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text;
}

/**
 * A webhook endpoint for any server that speaks the Fetch API (Hono, Node via @hono/node-server,
 * Bun, Deno, workers): each request runs the workflow with the request as `pd.steps.trigger.event`
 * (`event.body` is the parsed body). Replies 200 `{ ok: true, value }` with the last step's value once
 * every write is durable; 503 (with `Retry-After`) when the failure is retryable, so the sender
 * retries; 500 when it is not; 400 for a malformed JSON body; 413 for a body over the limit.
 */
export function createWebhookHandler(options: WebhookOptions): (request: Request) => Promise<Response> {
  checkWorkflow(options.steps);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return async (request) => {
    const text = await readBody(request, limit);
    if (text === null)
      return json(413, { ok: false, error: { message: `The body is over ${limit} bytes.` } });
    let body: unknown;
    try {
      body = parseBody(text, request.headers.get("content-type") ?? "");
    } catch {
      return json(400, { ok: false, error: { message: "The body is not valid JSON." } });
    }
    const url = new URL(request.url);
    const event: HttpEvent = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body,
    };
    const result = await runWorkflow(options.steps, {
      event,
      meta: { trigger: "http" },
      ...(options.printLogs === undefined ? {} : { printLogs: options.printLogs }),
    });
    options.onResult?.(result, event);
    if (result.ok) return json(200, { ok: true, value: result.value });
    const failed = result.results[result.failedStep ?? ""];
    const error = failed !== undefined && !failed.ok ? failed.error : undefined;
    const payload = {
      ok: false,
      step: result.failedStep,
      error: {
        kind: error?.kind,
        ...(error?.code === undefined ? {} : { code: error.code }),
        retryable: error?.retryable ?? false,
        message: error?.message,
      },
    };
    return error?.retryable === true ? json(503, payload, { "retry-after": "1" }) : json(500, payload);
  };
}
