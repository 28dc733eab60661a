/**
 * The OriginMonitor's health probe against real HTTP: the stand-in answering like the health
 * sidecar, a plain vLLM-style empty 200, an unhealthy origin, a redirect (a wrong Access token),
 * a refused connection and a probe that never gets an answer.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";
import { parseHealthBody, probeOrigin } from "../../durable-objects/origin-monitor-probe";

let standIn: StandInModel;
let server: Server;
let url: string;
let seen: IncomingHttpHeaders | undefined;
let respond: (res: import("node:http").ServerResponse) => void = (res) => res.writeHead(200).end();

beforeAll(async () => {
  standIn = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
  server = createServer((req, res) => {
    seen = req.headers;
    respond(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await standIn.close();
});

describe("probeOrigin", () => {
  it("reads health and load from the sidecar's JSON (the stand-in speaks it when asked)", async () => {
    standIn.setLoad({ kvCacheUsage: 0.42, waiting: 3, healthy: true });
    const result = await probeOrigin({ url: standIn.url, headers: {}, timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: true, status: 200, kvCacheUsage: 0.42, waiting: 3, running: 0 });
  });

  it("marks a 503 unhealthy and still keeps the load it reported", async () => {
    standIn.setLoad({ kvCacheUsage: 0.97, healthy: false });
    const result = await probeOrigin({ url: standIn.url, headers: {}, timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, status: 503, error: "http-503", kvCacheUsage: 0.97 });
    standIn.setLoad({ healthy: true, kvCacheUsage: undefined, waiting: 0 });
  });

  it("sends the Access headers and asks for JSON, and treats vLLM's empty 200 as healthy with unknown load", async () => {
    respond = (res) => res.writeHead(200).end();
    const result = await probeOrigin({
      url: `${url}/`, headers: { "cf-access-client-id": "id.access", "cf-access-client-secret": "s" }, timeoutMs: 1000,
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.kvCacheUsage).toBeUndefined();
    expect(seen).toMatchObject({ accept: "application/json", "cf-access-client-id": "id.access", "cf-access-client-secret": "s" });
    expect(seen?.authorization).toBeUndefined();
  });

  it("fails on a redirect, which is what a wrong Access token gets", async () => {
    respond = (res) => res.writeHead(302, { location: "https://team.cloudflareaccess.com/login" }).end();
    expect(await probeOrigin({ url, headers: {}, timeoutMs: 1000 })).toMatchObject({ ok: false, status: 302 });
  });

  it("fails with 'timeout' when no answer comes in time", async () => {
    respond = () => {};
    expect(await probeOrigin({ url, headers: {}, timeoutMs: 100 })).toMatchObject({ ok: false, error: "timeout" });
  });

  it("fails with 'connect' when nothing listens", async () => {
    const closed = await startStandInModel();
    const closedUrl = closed.url;
    await closed.close();
    expect(await probeOrigin({ url: closedUrl, headers: {}, timeoutMs: 1000 })).toMatchObject({ ok: false, error: "connect" });
  });
});

describe("parseHealthBody", () => {
  it("ignores bodies that are not the sidecar's JSON", () => {
    expect(parseHealthBody("")).toEqual({});
    expect(parseHealthBody("OK")).toEqual({});
    expect(parseHealthBody('{"kv_cache_usage": 7}')).toEqual({});
  });

  it("accepts nulls from a sidecar that could not read /metrics", () => {
    expect(parseHealthBody('{"status":"ok","kv_cache_usage":null,"num_requests_waiting":null}')).toEqual({});
  });
});
