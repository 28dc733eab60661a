/**
 * Builds the Worker exactly as `wrangler deploy` would (`--dry-run`, no account needed) for every
 * environment, and checks the gzipped bundle against the Workers size limit.
 * Limits: 3 MiB gzipped on the Free plan, 10 MiB on paid plans; we hold ourselves to the Free one.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const LIMIT_GZIP_BYTES = 3 * 1024 * 1024;

for (const environment of ["", "staging", "production"]) {
  const outdir = join("dist", environment || "local");
  const args = ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--env", environment];
  execFileSync("npx", args, { stdio: ["ignore", "ignore", "inherit"] });
  const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  const raw = files.reduce((sum, f) => sum + statSync(join(outdir, f)).size, 0);
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(outdir, f))).length, 0);
  const label = environment || "local";
  console.log(`bundle ${label}: ${(raw / 1024).toFixed(0)} KiB, ${(gzip / 1024).toFixed(0)} KiB gzipped (limit ${LIMIT_GZIP_BYTES / 1024} KiB)`);
  if (gzip > LIMIT_GZIP_BYTES) {
    console.error(`error: the ${label} bundle exceeds the Workers size limit`);
    process.exit(1);
  }
}
