// Static checks of what an operator deploys from gpu-backend/: every YAML parses, nothing listens
// on a public port, vLLM is locked with an API key, the tunnel exposes exactly three paths, and
// every metric the alerts, dashboard and autoscalers query is one vLLM (as the stand-in mirrors
// it), DCGM or cloudflared really exposes. No Docker, GPU or cluster is involved.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parsePrometheusText } from "../../gpu-backend/stand-in/prometheus-text";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";

const ROOT = join(import.meta.dirname, "../../gpu-backend");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** A YAML document as nested records; tests narrow with expectations, not casts of untrusted data. */
type Doc = Record<string, unknown>;
const yamlDoc = (path: string): Doc => parse(read(path)) as Doc;
const yamlDocs = (path: string): Doc[] => parseAllDocuments(read(path)).map((d) => d.toJS() as Doc);
const obj = (value: unknown): Doc => {
  expect(typeof value === "object" && value !== null && !Array.isArray(value)).toBe(true);
  return value as Doc;
};
const arr = (value: unknown): unknown[] => {
  expect(Array.isArray(value)).toBe(true);
  return value as unknown[];
};

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
}

function envFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of read(path).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined) out[m[1]] = m[2] ?? "";
  }
  return out;
}

/** Metric names a PromQL expression reads: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/<<[^>]*>>/g, "")
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, "");
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan"]);
  return [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && m[1] !== undefined && !keywords.has(m[1].toLowerCase()))
    .map((m) => m[1] ?? "");
}

const DCGM = new Set(["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_GPU_UTIL"]);
const CLOUDFLARED = new Set(["cloudflared_tunnel_ha_connections", "cloudflared_tunnel_request_errors", "cloudflared_tunnel_total_requests"]);

let standIn: StandInModel;
let exposed: Set<string>;

beforeAll(async () => {
  standIn = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
  // One answered request, so per-request series (like http_requests_total) exist, as on a live vLLM.
  const body = JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: false });
  await (await fetch(`${standIn.url}/v1/chat/completions`, { method: "POST", body })).text();
  exposed = new Set(parsePrometheusText(await (await fetch(`${standIn.url}/metrics`)).text()).samples.map((s) => s.name));
});
afterAll(() => standIn.close());

/** Fails with the offending names when `expr` reads a metric nobody exposes. */
function expectKnownMetrics(expr: string): void {
  const names = metricNames(expr);
  expect(names.length).toBeGreaterThan(0);
  const unknown = names.filter((n) => !(exposed.has(n) || DCGM.has(n) || CLOUDFLARED.has(n) || n === "up"));
  expect(unknown, expr).toEqual([]);
}

describe("files", () => {
  it("parses every YAML file under gpu-backend", () => {
    const files = filesUnder(".", /\.ya?ml$/);
    expect(files.length).toBeGreaterThan(14);
    for (const file of files) {
      const docs = parseAllDocuments(read(file));
      expect(docs.flatMap((d) => d.errors.map((e) => `${file}: ${e.message}`))).toEqual([]);
    }
  });

  it("parses the Grafana dashboard JSON", () => {
    expect(() => JSON.parse(read("grafana/dashboards/gpu-origin.json"))).not.toThrow();
  });

  it("extracts metric names from PromQL, skipping functions, labels, numbers and durations", () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(a:b_bucket{job="x"}[5m]))) > 0.8 and on() up == 0 / clamp_min(c, 1e-9)'))
      .toEqual(["a:b_bucket", "up", "c"]);
  });
});

describe("compose.yaml", () => {
  const compose = yamlDoc("compose.yaml");
  const services = obj(compose["services"]);

  it("publishes no port except on 127.0.0.1", () => {
    const published = Object.entries(services).flatMap(([name, s]) => arr(obj(s)["ports"] ?? []).map((p) => `${name} ${String(p)}`));
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((p) => !/ 127\.0\.0\.1:\d+:\d+$/.test(p))).toEqual([]);
    expect(obj(services["vllm"])["ports"]).toBeUndefined();
    expect(obj(services["cloudflared"])["ports"]).toBeUndefined();
  });

  it("runs vLLM with the model, an API key, prefix caching and the sizing flags on one GPU", () => {
    const vllm = obj(services["vllm"]);
    const command = arr(vllm["command"]).map(String);
    expect(command).toContain("--model=openai/gpt-oss-20b");
    expect(command).toContain("--enable-prefix-caching");
    expect(command.find((c) => c.startsWith("--api-key="))).toMatch(/^--api-key=\$\{VLLM_API_KEY:\?/);
    for (const flag of ["--max-model-len", "--max-num-seqs", "--gpu-memory-utilization"]) {
      expect(command.some((c) => c.startsWith(`${flag}=\${VLLM_`))).toBe(true);
    }
    const devices = arr(obj(obj(obj(vllm["deploy"])["resources"])["reservations"])["devices"]);
    expect(devices).toEqual([{ driver: "nvidia", count: 1, capabilities: ["gpu"] }]);
  });

  it("runs cloudflared with its metrics port, the tunnel token and a /ready health check", () => {
    const cloudflared = obj(services["cloudflared"]);
    const command = arr(cloudflared["command"]).map(String);
    expect(command.slice(0, 1)).toEqual(["tunnel"]);
    expect(command.at(-1)).toBe("run");
    expect(command.join(" ")).toContain("--metrics 0.0.0.0:2000");
    expect(String(obj(cloudflared["environment"])["TUNNEL_TOKEN"])).toMatch(/^\$\{TUNNEL_TOKEN:\?/);
    expect(arr(obj(cloudflared["healthcheck"])["test"])).toEqual(["CMD", "cloudflared", "tunnel", "--metrics", "127.0.0.1:2000", "ready"]);
  });

  it("pins every image to a version, or requires the operator to name it", () => {
    for (const [name, s] of Object.entries(services)) {
      // A required variable (${NAME:?why}) makes `docker compose` refuse to start without it.
      expect(String(obj(s)["image"]), name).toMatch(/^([\w./-]+:(v?\d[\w.-]*)|\$\{[A-Z_]+:\?[^}]+\})$/);
    }
  });

  it("mounts the Prometheus, Grafana and tunnel files that exist in the repository", () => {
    const mounts = Object.values(services).flatMap((s) => arr(obj(s)["volumes"] ?? []).map(String)).filter((v) => v.startsWith("./"));
    expect(mounts.length).toBeGreaterThan(4);
    for (const mount of mounts) expect(existsSync(join(ROOT, mount.split(":")[0] ?? "")), mount).toBe(true);
  });

  it("may be checked by docker compose itself when Docker is installed", () => {
    let hasCompose = false;
    try {
      execFileSync("docker", ["compose", "version"], { stdio: "ignore" });
      hasCompose = true;
    } catch {
      hasCompose = false;
    }
    if (!hasCompose) return; // no Docker here: the structural checks above stand in for `docker compose config`
    const env = { ...process.env, VLLM_API_KEY: "x", TUNNEL_TOKEN: "x", GRAFANA_ADMIN_PASSWORD: "x" };
    execFileSync("docker", ["compose", "--env-file", "env/a100-40gb.env", "config", "--quiet"], { cwd: ROOT, env, stdio: "pipe" });
  });
});

describe("A100 settings", () => {
  const GIB = 1024 ** 3;
  const KV_BYTES_PER_TOKEN = 24 * 1024;
  const WEIGHTS_GIB = 13;
  const cases = [
    { file: "env/a100-40gb.env", cardGiB: 40, overheadGiB: 3 },
    { file: "env/a100-80gb.env", cardGiB: 80, overheadGiB: 4 },
  ];

  for (const { file, cardGiB, overheadGiB } of cases) {
    it(`${file}: max-num-seqs streams of 4k tokens fit in the KV cache the memory settings leave`, () => {
      const env = envFile(file);
      const utilization = Number(env["VLLM_GPU_MEMORY_UTILIZATION"]);
      const maxModelLen = Number(env["VLLM_MAX_MODEL_LEN"]);
      const maxNumSeqs = Number(env["VLLM_MAX_NUM_SEQS"]);
      expect(utilization).toBeGreaterThan(0.5);
      expect(utilization).toBeLessThanOrEqual(0.95);
      expect(maxModelLen).toBeLessThanOrEqual(131_072);
      const kvTokens = ((cardGiB * utilization - WEIGHTS_GIB - overheadGiB) * GIB) / KV_BYTES_PER_TOKEN;
      expect(maxNumSeqs * 4096).toBeLessThan(kvTokens);
      expect(maxModelLen).toBeLessThan(kvTokens / 10);
    });
  }

  it("uses the A100 80GB numbers in the Kubernetes settings", () => {
    expect(envFile("k8s/vllm-settings.env")).toEqual(envFile("env/a100-80gb.env"));
  });
});

describe("tunnel ingress", () => {
  // /health goes to the health sidecar (vLLM's health plus its load as JSON), the rest to vLLM.
  const files = [
    { file: "cloudflared/config.yml", service: "http://vllm:8000", health: "http://health-sidecar:8081" },
    { file: "k8s/cloudflared-config.yml", service: "http://vllm.gpu-origin.svc.cluster.local:8000", health: "http://vllm.gpu-origin.svc.cluster.local:8081" },
  ];
  for (const { file, service, health } of files) {
    it(`${file}: exposes only chat completions, models and health, and 404s the rest`, () => {
      const rules = arr(yamlDoc(file)["ingress"]).map(obj);
      expect(rules.at(-1)).toEqual({ service: "http_status:404" });
      const routes = rules.slice(0, -1);
      expect(routes.every((r) => typeof r["hostname"] === "string")).toBe(true);
      const serviceOf = (path: string) => routes.find((r) => new RegExp(String(r["path"])).test(path))?.["service"];
      expect(serviceOf("/v1/chat/completions")).toBe(service);
      expect(serviceOf("/v1/models")).toBe(service);
      expect(serviceOf("/health")).toBe(health);
      const exposedPath = (path: string) => routes.some((r) => new RegExp(String(r["path"])).test(path));
      expect(["/v1/chat/completions", "/v1/models", "/health"].filter((p) => !exposedPath(p))).toEqual([]);
      const hidden = ["/metrics", "/v1/completions", "/v1/embeddings", "/v1/chat/completions/x", "/x/health", "/docs", "/tokenize", "/"];
      expect(hidden.filter(exposedPath)).toEqual([]);
    });
  }
});

describe("Prometheus", () => {
  it("scrapes vLLM, DCGM and cloudflared at their compose addresses and loads the alert rules", () => {
    const config = yamlDoc("prometheus/prometheus.yml");
    const jobs = Object.fromEntries(
      arr(config["scrape_configs"]).map(obj).map((j) => [String(j["job_name"]), arr(obj(arr(j["static_configs"])[0])["targets"])]),
    );
    expect(jobs).toMatchObject({ vllm: ["vllm:8000"], dcgm: ["dcgm-exporter:9400"], cloudflared: ["cloudflared:2000"] });
    expect(config["rule_files"]).toEqual(["/etc/prometheus/alerts.yml"]);
  });

  const rules = arr(yamlDoc("prometheus/alerts.yml")["groups"]).flatMap((g) => arr(obj(g)["rules"]).map(obj));

  it("alerts only on metrics that are really exposed", () => {
    expect(rules.length).toBeGreaterThan(6);
    for (const rule of rules) {
      expect(typeof rule["alert"]).toBe("string");
      expect(["page", "warn"]).toContain(obj(rule["labels"])["severity"]);
      expectKnownMetrics(String(rule["expr"]));
    }
  });

  it("covers TTFT p99 over 800 ms, 5xx ratio, KV cache over 90%, waiting, origin down and lost tunnel", () => {
    const exprOf = (name: string) => String(rules.find((r) => r["alert"] === name)?.["expr"] ?? "");
    expect(exprOf("OriginTimeToFirstTokenP99High")).toMatch(/histogram_quantile\(0\.99, .*vllm:time_to_first_token_seconds_bucket.*\) > 0\.8/);
    expect(exprOf("OriginHttp5xxRatioHigh")).toContain('status="5xx"');
    expect(exprOf("OriginKvCacheNearlyFull")).toMatch(/vllm:kv_cache_usage_perc.*> 0\.9$/);
    expect(exprOf("OriginRequestsWaiting")).toContain("vllm:num_requests_waiting");
    expect(exprOf("OriginDown")).toBe('up{job="vllm"} == 0');
    expect(exprOf("TunnelConnectionsLost")).toMatch(/cloudflared_tunnel_ha_connections.*== 0/);
  });
});

describe("Grafana", () => {
  const dashboard = obj(JSON.parse(read("grafana/dashboards/gpu-origin.json")));
  const panels = arr(dashboard["panels"]).map(obj);
  const exprs = panels.flatMap((p) => arr(p["targets"]).map((t) => String(obj(t)["expr"])));

  it("queries only exposed metrics, through the provisioned datasource", () => {
    for (const expr of exprs) expectKnownMetrics(expr);
    const datasource = obj(arr(yamlDoc("grafana/provisioning/datasources/prometheus.yml")["datasources"])[0]);
    expect(panels.every((p) => obj(p["datasource"])["uid"] === datasource["uid"])).toBe(true);
  });

  it("shows TTFT, tokens/s, running and waiting, KV cache, GPU memory and utilization, 5xx and the tunnel", () => {
    const all = exprs.join("\n");
    for (const needed of [
      "vllm:time_to_first_token_seconds_bucket", "vllm:generation_tokens_total", "vllm:num_requests_running",
      "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_GPU_UTIL",
      'status="5xx"', "cloudflared_tunnel_ha_connections",
    ]) {
      expect(all).toContain(needed);
    }
  });
});

describe("Kubernetes", () => {
  const kinds = new Map<string, Doc>();
  for (const file of filesUnder("k8s", /\.yaml$/)) {
    for (const doc of yamlDocs(file)) kinds.set(`${String(doc["kind"])}/${String(obj(doc["metadata"] ?? {})["name"] ?? "")}`, doc);
  }
  const podSpec = (name: string) => obj(obj(obj(kinds.get(`Deployment/${name}`)?.["spec"])["template"])["spec"]);
  const container = (name: string) => obj(arr(podSpec(name)["containers"])[0]);

  it("gives vLLM one GPU, an API key from a secret and probes on /health", () => {
    const vllm = container("vllm");
    expect(obj(obj(vllm["resources"])["limits"])["nvidia.com/gpu"]).toBe(1);
    expect(arr(vllm["args"])).toContain("--api-key=$(VLLM_API_KEY)");
    expect(arr(vllm["args"])).toContain("--model=openai/gpt-oss-20b");
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      expect(obj(obj(vllm[probe])["httpGet"])["path"], probe).toBe("/health");
    }
  });

  it("runs two cloudflared replicas probed on /ready, and budgets disruptions for both", () => {
    expect(obj(kinds.get("Deployment/cloudflared")?.["spec"])["replicas"]).toBe(2);
    expect(obj(obj(container("cloudflared")["livenessProbe"])["httpGet"])["path"]).toBe("/ready");
    expect(obj(kinds.get("PodDisruptionBudget/vllm")?.["spec"])["maxUnavailable"]).toBe(1);
    expect(obj(kinds.get("PodDisruptionBudget/cloudflared")?.["spec"])["minAvailable"]).toBe(1);
  });

  it("scales vLLM on requests in flight and KV cache, with queries on exposed metrics", () => {
    const scaled = obj(kinds.get("ScaledObject/vllm")?.["spec"]);
    expect(obj(scaled["scaleTargetRef"])["name"]).toBe("vllm");
    const triggers = arr(scaled["triggers"]).map(obj);
    expect(triggers.map((t) => obj(t["metadata"])["threshold"])).toEqual(["150", "0.8"]);
    for (const trigger of triggers) expectKnownMetrics(String(obj(trigger["metadata"])["query"]));
    const hpa = obj(kinds.get("HorizontalPodAutoscaler/vllm")?.["spec"]);
    expect(obj(hpa["scaleTargetRef"])["name"]).toBe("vllm");
    const adapter = arr(obj(yamlDoc("k8s/alternatives/prometheus-adapter-rules.yaml")["rules"])["custom"]).map(obj);
    for (const rule of adapter) expectKnownMetrics(String(rule["metricsQuery"]));
  });

  it("lists only files that exist in kustomization.yaml, and leaves the HPA alternative out", () => {
    const kustomization = yamlDoc("k8s/kustomization.yaml");
    const resources = arr(kustomization["resources"]).map(String);
    for (const file of resources) expect(existsSync(join(ROOT, "k8s", file)), file).toBe(true);
    expect(resources.some((r) => r.includes("hpa"))).toBe(false);
    const generated = arr(kustomization["configMapGenerator"]).map(obj)
      .flatMap((g) => [...arr(g["envs"] ?? []), ...arr(g["files"] ?? []).map((f) => String(f).split("=").at(-1))]);
    for (const file of generated) expect(existsSync(join(ROOT, "k8s", String(file))), String(file)).toBe(true);
  });
});
