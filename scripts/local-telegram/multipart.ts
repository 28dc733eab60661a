/**
 * A lenient multipart/form-data reader, as lenient as Telegram's own: Node's `Request.formData()`
 * (undici) rejects `form-data;name="x"` without a space after the semicolon and unquoted
 * `filename=x.json`, which is exactly what grammY's web build sends for uploads. Parts with a
 * filename become Files (bytes untouched); the others are UTF-8 strings.
 */
import { badRequest } from "./errors";

const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** `form-data; name="a"; filename=b.json` → { name: "a", filename: "b.json" }. */
function dispositionParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const piece of value.split(";").slice(1)) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let raw = piece.slice(eq + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) raw = raw.slice(1, -1).replace(/\\"/g, '"');
    params[key] = raw;
  }
  return params;
}

/** Reads a multipart body into a FormData. */
export async function readMultipart(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) throw badRequest("can't parse multipart request: no boundary");
  const body = new Uint8Array(await request.arrayBuffer());
  const delimiter = new TextEncoder().encode(`--${marker}`);
  const decoder = new TextDecoder();
  const form = new FormData();
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body[start] === 45 && body[start + 1] === 45) break; // "--": the closing delimiter
    if (indexOf(body.subarray(start, start + 2), CRLF, 0) === 0) start += 2;
    const next = indexOf(body, delimiter, start);
    if (next < 0) throw badRequest("can't parse multipart request: unterminated part");
    const end = body[next - 2] === 13 && body[next - 1] === 10 ? next - 2 : next;
    const part = body.subarray(start, end);
    const split = indexOf(part, HEADER_END, 0);
    if (split < 0) throw badRequest("can't parse multipart request: part without headers");
    const headers = new Map<string, string>();
    for (const line of decoder.decode(part.subarray(0, split)).split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = dispositionParams(headers.get("content-disposition") ?? "");
    const content = part.subarray(split + HEADER_END.length);
    if (disposition.name !== undefined) {
      if (disposition.filename !== undefined) {
        form.append(disposition.name, new File([content.slice()], disposition.filename, { type: headers.get("content-type") ?? "" }));
      } else {
        form.append(disposition.name, decoder.decode(content));
      }
    }
    at = next;
  }
  return form;
}
