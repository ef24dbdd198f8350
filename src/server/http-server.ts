import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { bufferedBodyOf } from "../core/buffered-body.js";
import { ConfigError, EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import { SERVER_EXIT_USAGE, SERVER_PORT_DEFAULT } from "./args.js";
import { webSocketUpgrader, withoutWebSocket } from "./web-socket-upgrade.js";
import { pumpBody } from "../core/pump.js";

// Cloudflare's request limits (facts registry, from the Workers limits page): URLs up to 16 KB
// (414 beyond), request headers up to 128 KB in total (431 beyond), bodies up to 100 MB on the
// Free and Pro plans (413 beyond).
export const URL_SIZE_BYTES_MAX = fact("workers.urlBytesMax").value;
export const REQUEST_HEADERS_SIZE_BYTES_MAX = fact("workers.requestHeadersBytesMax").value;
export const REQUEST_BODY_SIZE_BYTES_MAX = fact("workers.requestBodyBytesMaxFree").value;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

export interface RequestContext {
  clientIp: string;
  /** "HTTP/1.1" (or the version the client spoke). */
  httpProtocol: string;
  /** Set by the edge: the PoP code chosen for this request. */
  pop?: string;
}

/** `null` drops the connection without an answer, as an L3/L4 scrubber drops packets. */
export type Handler = (request: Request, context: RequestContext) => Promise<Response | null>;

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Why the server could not listen, as one line a person can act on (a busy port is the usual
 * case: another `npm start` or `wrangler dev` already holds 8787). Other failures pass through.
 */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const other = port === 65535 ? port - 1 : port + 1;
  switch (error.code) {
    case "EADDRINUSE":
      return new ConfigError("PORT_IN_USE", `port ${port} on ${host} is already in use (another npm start or wrangler dev?); choose another port with: npm start -- --port ${other}  (or --port 0 for any free port)`);
    case "EACCES":
      return new ConfigError("PORT_FORBIDDEN", `not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges); choose another port with: npm start -- --port ${SERVER_PORT_DEFAULT}`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ConfigError("HOST_UNAVAILABLE", `cannot listen on ${host}: it is not an address of this machine; choose another with: npm start -- --host 127.0.0.1`);
    default:
      return error;
  }
}

/**
 * A node:http server that turns each request into a WHATWG Request, calls the handler and
 * writes its Response back. User input never crashes it: malformed requests get 4xx, a
 * handler failure gets 500, and the process keeps serving.
 */
export async function startHttpServer(options: { host: string; port: number; handler: Handler }): Promise<RunningServer> {
  const server = createServer({ maxHeaderSize: REQUEST_HEADERS_SIZE_BYTES_MAX }, (req, res) => {
    void serve(req, res, options.handler);
  });
  // `Upgrade: websocket` requests take the same path through the handler (web-socket-upgrade.ts).
  const webSockets = webSocketUpgrader((req) => answer(req, options.handler));
  server.on("upgrade", webSockets.upgrade);
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Node's parser rejected the bytes (bad header, oversized header block, bad method token).
    if (!socket.writable) return socket.destroy();
    const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        webSockets.closeAll();
        server.close(() => resolve());
      }),
  };
}

/** The handler's answer to `req`; a failure becomes its error page, never an exception. */
async function answer(req: IncomingMessage, handler: Handler): Promise<Response | null> {
  try {
    const request = toRequest(req);
    return await handler(request, { clientIp: req.socket.remoteAddress ?? "0.0.0.0", httpProtocol: `HTTP/${req.httpVersion}` });
  } catch (error) {
    return errorResponse(error);
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: Handler): Promise<void> {
  const answered = await answer(req, handler);
  const response = answered === null ? null : withoutWebSocket(answered);
  if (response === null) {
    req.socket.destroy();
    return;
  }
  await writeResponse(res, response).catch(() => res.destroy());
}

function toRequest(req: IncomingMessage): Request {
  const method = req.method ?? "GET";
  if (!METHODS.has(method)) throw new EdgeError("METHOD_NOT_ALLOWED", 405, `method ${method} is not supported`);
  const rawUrl = req.url ?? "/";
  if (Buffer.byteLength(rawUrl) > URL_SIZE_BYTES_MAX) {
    throw new EdgeError("URL_TOO_LONG", 414, `URL is ${Buffer.byteLength(rawUrl)} bytes; the limit is ${URL_SIZE_BYTES_MAX}`);
  }
  const host = req.headers.host ?? "localhost";
  let url: URL;
  try {
    url = new URL(rawUrl, `http://${host}`);
  } catch {
    throw new EdgeError("BAD_URL", 400, `cannot parse the request target ${JSON.stringify(rawUrl.slice(0, 100))}`);
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch {
      throw new EdgeError("BAD_HEADER", 400, `invalid header ${JSON.stringify(req.rawHeaders[i]?.slice(0, 64))}`);
    }
  }
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > REQUEST_BODY_SIZE_BYTES_MAX) {
    throw new EdgeError("BODY_TOO_LARGE", 413, `body is ${length} bytes; the limit is ${REQUEST_BODY_SIZE_BYTES_MAX}`);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  return new Request(url, init);
}

export function errorResponse(error: unknown): Response {
  if (error instanceof EdgeError) {
    return new Response(`${error.code}: ${error.message}\n`, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  // A system error: details go to the log, not to the user.
  console.error(error);
  return new Response("internal error\n", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  // A body the platform already holds in memory has a known length: it leaves with a
  // Content-Length and the header block in one write, instead of as chunked framing (as workerd
  // sends a fixed-length body). A status without a body (204, 304) has no buffered body, since
  // `Response` refuses one.
  const buffered = bufferedBodyOf(response);
  if (buffered !== undefined && headers["content-length"] === undefined && headers["transfer-encoding"] === undefined) {
    headers["content-length"] = String(typeof buffered === "string" ? Buffer.byteLength(buffered) : buffered.byteLength);
  }
  if (response.statusText) res.writeHead(response.status, response.statusText, headers);
  else res.writeHead(response.status, headers);
  if (response.body === null || res.req.method === "HEAD") {
    res.end();
    return;
  }
  if (buffered !== undefined) {
    res.end(buffered);
    return;
  }
  // What the body has ready now (a buffered body: all of it, and its end) leaves with the header
  // block in one system call; the socket is uncorked on the next tick, so a chunk that arrives
  // later is sent as soon as it arrives and a streamed body is never held back.
  res.cork();
  process.nextTick(() => res.uncork());
  await pumpBody(response.body, res);
}
