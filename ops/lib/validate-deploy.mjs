// Offline checks of the deployment files, run by ops/test (no cluster, no Docker, no network):
// - ops/k8s/*.yaml: every document against the Kubernetes OpenAPI schema of its apiVersion/kind, through
//   kubernetes-models (JSON schemas bundled in the npm package, checked with ajv), plus the rules the
//   schemas cannot say: probes, resources, the API's /readyz readiness and preStop drain, selectors that
//   match their pod labels, an HPA on CPU and sockets, a PodDisruptionBudget per Deployment but the SFU's.
//   The schemas allow unknown fields (as the API server does not), so a misspelt optional field passes.
// - ops/compose/compose.yaml: dclint (the Compose Specification's JSON schema, bundled, plus its rules;
//   only its key-order style rules are off).
// `--self-test` first feeds both checks broken files and fails unless each is refused.
// Usage: node ops/lib/validate-deploy.mjs [--self-test]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const require = createRequire(path.join(root, "package.json"));
const { parseAllDocuments } = require("yaml");

/** kubernetes-models/<group>/<version>/<Kind>; the core group is just the version ("v1"). */
function modelOf(apiVersion, kind) {
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
  } catch {
    return undefined;
  }
}

const containersOf = (doc) => doc.spec?.template?.spec?.containers ?? [];

/** The project's own rules over all documents of ops/k8s; returns problems as strings. */
function projectRules(docs) {
  const problems = [];
  const deployments = docs.filter((d) => d.kind === "Deployment");
  for (const d of deployments) {
    const name = d.metadata?.name;
    const labels = d.spec?.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(d.spec?.selector?.matchLabels ?? {})) {
      if (labels[k] !== v) problems.push(`Deployment ${name}: selector ${k}=${v} does not match the pod labels`);
    }
    for (const c of containersOf(d)) {
      if (!c.readinessProbe) problems.push(`Deployment ${name}/${c.name}: no readinessProbe`);
      if (!c.livenessProbe) problems.push(`Deployment ${name}/${c.name}: no livenessProbe`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
        problems.push(`Deployment ${name}/${c.name}: no cpu and memory requests`);
      if (!c.resources?.limits?.memory) problems.push(`Deployment ${name}/${c.name}: no memory limit`);
    }
    const isSfu = containersOf(d).some((c) => c.ports?.some((p) => p.protocol === "UDP"));
    const pdb = docs.find(
      (p) =>
        p.kind === "PodDisruptionBudget" &&
        Object.entries(p.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
    );
    if (!pdb && !isSfu) problems.push(`Deployment ${name}: no PodDisruptionBudget selects its pods`);
  }
  const api = deployments.find((d) => containersOf(d).some((c) => c.readinessProbe?.httpGet?.path === "/readyz"));
  if (!api) problems.push("no Deployment is ready on /readyz (the API)");
  else {
    const c = containersOf(api)[0];
    if (!c.lifecycle?.preStop) problems.push(`Deployment ${api.metadata.name}: no preStop before the SIGTERM drain`);
    const hpa = docs.find(
      (h) => h.kind === "HorizontalPodAutoscaler" && h.spec?.scaleTargetRef?.name === api.metadata.name,
    );
    const metrics = (hpa?.spec?.metrics ?? []).map((m) => m.resource?.name ?? m.pods?.metric?.name);
    if (!metrics.includes("cpu") || !metrics.includes("parley_socket_connections"))
      problems.push(`no HorizontalPodAutoscaler scales ${api.metadata.name} on cpu and parley_socket_connections`);
  }
  for (const d of deployments) {
    for (const c of containersOf(d)) {
      const udp = c.ports?.find((p) => p.protocol === "UDP");
      const tcp = udp && c.ports?.find((p) => p.protocol !== "UDP" && p.containerPort === udp.containerPort);
      if (udp && !tcp) problems.push(`Deployment ${d.metadata.name}: media UDP port without its TCP fallback`);
    }
  }
  return problems;
}

/** Checks the YAML files; returns every problem found (empty: valid). */
export function checkKubernetes(files) {
  const problems = [];
  const all = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    for (const [i, doc] of parseAllDocuments(readFileSync(file, "utf8")).entries()) {
      for (const e of doc.errors) problems.push(`${rel} #${i + 1}: YAML: ${e.message}`);
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      const Model = modelOf(value.apiVersion, value.kind);
      if (!Model) {
        problems.push(`${rel} #${i + 1}: unknown apiVersion/kind ${value.apiVersion}/${value.kind}`);
        continue;
      }
      try {
        new Model(value).validate();
        all.push(value);
      } catch (error) {
        problems.push(`${rel} #${i + 1} (${value.kind} ${value.metadata?.name}): ${error.message}`);
      }
    }
  }
  problems.push(...projectRules(all));
  return { problems, documents: all.length };
}

const DCLINT_STYLE_RULES = ["service-keys-order", "services-alphabetical-order"];

/** dclint over one compose file (it exits non-zero on errors); returns its report then, else null. */
export function checkCompose(file) {
  const args = [file, "--quiet", "--no-color"];
  for (const rule of DCLINT_STYLE_RULES) args.push("--disable-rule", rule);
  const run = spawnSync(path.join(root, "node_modules/.bin/dclint"), args, { encoding: "utf8" });
  if (run.error) throw run.error;
  return run.status === 0 ? null : `${run.stdout}${run.stderr}`.trim();
}

function selfTest() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "parley-validate-"));
  try {
    const k8s = path.join(dir, "broken.yaml");
    writeFileSync(
      k8s,
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  replicas: three
  selector: { matchLabels: { app: x } }
  template: { metadata: { labels: { app: y } }, spec: { containers: [{ name: c, image: i }] } }
---
apiVersion: apps/v1
kind: Deploymint
metadata: { name: typo }
`,
    );
    const k = checkKubernetes([k8s]).problems;
    const compose = path.join(dir, "compose.yaml");
    writeFileSync(compose, "services:\n  a:\n    image: x\n    restart_policy: always\n");
    const c = checkCompose(compose);
    const caught = [
      ["replicas: three", k.some((p) => p.includes("replicas"))],
      ["kind Deploymint", k.some((p) => p.includes("Deploymint"))],
      ["compose key restart_policy", c !== null],
    ];
    const missed = caught.filter(([, ok]) => !ok).map(([what]) => what);
    if (missed.length > 0) throw new Error(`the validators accepted broken input: ${missed.join(", ")}`);
    console.log(`self-test: the validators refuse ${caught.map(([w]) => w).join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv.includes("--self-test")) selfTest();
  const k8sDir = path.join(root, "ops/k8s");
  const files = readdirSync(k8sDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(k8sDir, f));
  const { problems, documents } = checkKubernetes(files);
  const compose = checkCompose(path.join(root, "ops/compose/compose.yaml"));
  if (problems.length > 0 || compose) {
    for (const p of problems) console.error(`ops/k8s: ${p}`);
    if (compose) console.error(`ops/compose:\n${compose}`);
    process.exit(1);
  }
  console.log(
    `ops/k8s: ${documents} objects in ${files.length} files valid (kubernetes-models schemas + project rules); ops/compose: valid (dclint)`,
  );
}
