import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", environment: "node", include: ["test/unit/**/*.test.ts"] } },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { PROBE_URL: inject<string>("probeUrl") } },
          })),
        ],
        test: { name: "runtime", include: ["test/runtime/**/*.test.ts"], globalSetup: ["test/support/global-setup.ts"] },
      },
    ],
  },
});
