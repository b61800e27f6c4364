// Validates Kubernetes manifests against the API's OpenAPI schemas (the
// kubernetes-models package, pinned in deploy/tools/package-lock.json), not
// only as YAML: every document of every file must name a kind the schemas
// know and match its schema (types, required fields, enums, formats).
// Unknown keys are not reported: the schemas allow them, as does a lenient
// API server.
//
// Usage: node tests/deploy/validate_k8s.mjs <file or directory>...
// A directory means its *.yaml and *.yml files. Prints one line per document
// and exits 1 naming file, document and error if any document is invalid.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = path.join(here, "..", "..", "deploy", "tools");
const require = createRequire(path.join(tools, "package.json"));
const { parseAllDocuments } = require("yaml");

// "apps/v1" + "StatefulSet" -> kubernetes-models/apps/v1/StatefulSet; the
// core group ("v1") lives at kubernetes-models/v1.
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error("apiVersion and kind must be strings");
  }
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) ||
      !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    throw new Error(`not a Kubernetes type: ${apiVersion} ${kind}`);
  }
  let module;
  try {
    module = require(`kubernetes-models/${apiVersion}/${kind}`);
  } catch {
    throw new Error(`unknown apiVersion/kind: ${apiVersion} ${kind}`);
  }
  const model = module[kind];
  if (typeof model !== "function") {
    throw new Error(`unknown apiVersion/kind: ${apiVersion} ${kind}`);
  }
  return model;
}

function manifests(args) {
  const files = [];
  for (const arg of args) {
    if (statSync(arg).isDirectory()) {
      for (const name of readdirSync(arg).sort()) {
        if (/\.ya?ml$/.test(name)) files.push(path.join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: validate_k8s.mjs <file or directory>...");
  process.exit(2);
}
let failures = 0;
let checked = 0;
const files = manifests(args);
if (files.length === 0) {
  console.error(`no manifests in ${args.join(" ")}`);
  process.exit(1);
}
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"), {
    uniqueKeys: true,
  });
  docs.forEach((doc, index) => {
    const where = `${file}: document ${index + 1}`;
    try {
      const problems = [...doc.errors, ...doc.warnings];
      if (problems.length > 0) throw new Error(problems[0].message);
      const data = doc.toJS();
      if (data === null || data === undefined) return;  // empty document
      if (typeof data !== "object" || Array.isArray(data)) {
        throw new Error("not a Kubernetes object");
      }
      const Model = modelFor(data.apiVersion, data.kind);
      new Model(data).validate();
      if (!data.metadata || !data.metadata.name) {
        throw new Error("metadata.name is missing");
      }
      checked++;
      console.log(`ok   ${where} (${data.kind} ${data.metadata.name})`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${where}: ${e.message}`);
    }
  });
}
if (failures > 0) {
  console.error(`${failures} invalid document(s)`);
  process.exit(1);
}
console.log(`${checked} document(s) valid`);
