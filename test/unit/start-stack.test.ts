// The pure parts of `npm start`: settings from the environment, local credentials, the env file
// handed to wrangler dev, port checks and /proc readings.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { localCredentials, modelBaseUrl, optionsFromEnv } from "../../scripts/start";
import { PortTakenError, assertPortsFree, freePort, isPortFree } from "../../scripts/stack/ports";
import { parseProcStat } from "../../scripts/stack/process-tree";
import { formatEnvFile } from "../../scripts/stack/wrangler-dev";

describe("npm start settings", () => {
  it("runs fully offline by default, on the documented ports with a realistic stand-in", () => {
    expect(optionsFromEnv({})).toEqual({
      ports: { telegram: 8081, model: 8000, worker: 8787 },
      standIn: { ttftMs: 150, tokensPerSecond: 80 },
    });
  });

  it("switches to real Telegram with a token and to another model server with MODEL_URL", () => {
    const options = optionsFromEnv({ TELEGRAM_BOT_TOKEN: "123:abc", MODEL_URL: "http://127.0.0.1:11434/v1", MODEL_NAME: "gpt-oss:20b", MODEL_API_KEY: "k" });
    expect(options.realTelegram).toEqual({ token: "123:abc", apiRoot: "https://api.telegram.org" });
    expect(options.model).toEqual({ url: "http://127.0.0.1:11434/v1", name: "gpt-oss:20b", apiKey: "k" });
    expect(options.standIn).toBeUndefined();
  });

  it("names the variable of a bad port or stand-in setting", () => {
    expect(() => optionsFromEnv({ WORKER_PORT: "http" })).toThrow('WORKER_PORT must be a port number, got "http"');
    expect(() => optionsFromEnv({ STANDIN_TTFT_MS: "-5" })).toThrow('STANDIN_TTFT_MS must be a non-negative number, got "-5"');
  });

  it("gives the Worker a model server's base URL, whether or not /v1 was written", () => {
    expect(modelBaseUrl("http://127.0.0.1:8080/v1/")).toBe("http://127.0.0.1:8080");
    expect(modelBaseUrl("http://127.0.0.1:8000")).toBe("http://127.0.0.1:8000");
  });

  it("makes a local bot token and webhook secret in the shapes the Worker accepts", () => {
    const { token, webhookSecret } = localCredentials();
    expect(token).toMatch(/^1000001:LOCAL[A-Za-z0-9_-]{20,}$/);
    expect(webhookSecret).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(localCredentials().webhookSecret).not.toBe(webhookSecret);
  });
});

describe("the env file for wrangler dev", () => {
  it("quotes each value with a quote it does not contain", () => {
    expect(formatEnvFile({ ORIGINS: '[{"id":"fra1"}]', NAME: "it's", PLAIN: "x" })).toBe(`ORIGINS='[{"id":"fra1"}]'\nNAME="it's"\nPLAIN='x'\n`);
  });

  it("refuses values it cannot write on one line", () => {
    expect(() => formatEnvFile({ A: "one\ntwo" })).toThrow("A: values cannot span lines");
    expect(() => formatEnvFile({ "BAD-NAME": "x" })).toThrow("not a variable name: BAD-NAME");
  });
});

describe("ports", () => {
  it("reports a taken port by its service and variable", async () => {
    const server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
    try {
      expect(await isPortFree(port)).toBe(false);
      const error = await assertPortsFree([{ service: "the local Telegram", port, envName: "LOCAL_TELEGRAM_PORT" }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortTakenError);
      expect((error as PortTakenError).message).toBe(`port ${port} (the local Telegram) is already in use; set LOCAL_TELEGRAM_PORT to another port`);
    } finally {
      server.close();
    }
    expect(await isPortFree(port)).toBe(true);
  });
});

describe("/proc readings", () => {
  it("reads CPU time past a process name with spaces and parentheses", () => {
    const line = "4242 (work (er) d) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 0 0";
    expect(parseProcStat(line, 100)).toEqual({ pid: 4242, ppid: 4200, comm: "work (er) d", cpuMs: 3000 });
  });
});
