import { HttpError } from "./responses.ts";

/**
 * Reads a JSON request body of at most `limit` bytes. The Content-Type must be JSON (an HTML form
 * cannot send that cross-site without a preflight), and the size is checked both from the declared
 * length and while streaming, so a lying or absent Content-Length cannot get past the limit.
 */
export async function readJsonBody(request: Request, limit: number): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, "INVALID_ARGUMENT", "The request body is not valid UTF-8.");
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, "LIMIT_EXCEEDED", `The request body is larger than the limit of ${limit} bytes.`);
}
