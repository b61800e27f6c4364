// Validates Kubernetes manifests against the API's OpenAPI schemas (the
// kubernetes-models package, pinned in deploy/tools/package-lock.json), not
// only as YAML: every document of every file must name a kind the schemas
// know and match its schema (types, required fields, enums, formats), and
// every member of every object must be a field its schema defines, as
// kubectl's strict field validation (the default) demands: a misspelt
// `startUpProbe` is an error, not a probe silently dropped. Maps (labels,
// annotations, a config map's data: additionalProperties) take any key;
// free-form objects (RawExtension and the like) are not looked into.
//
// kubernetes-models ships no JSON schemas. Each OpenAPI definition is
// compiled by ajv into a standalone validate function
// (kubernetes-models/_schemas/<Definition>.js, ObjectMeta and the like in
// @kubernetes-models/apimachinery/_schemas/), and the schemas' own
// additionalProperties are absent (allowed): the function reads each
// property its schema defines (`data.<name>`, whether present or not),
// enumerates the keys of a map, follows $refs into the referenced
// definition's function and ignores every other key. So the document is
// validated through a Proxy that records, per object, which members the
// compiled schema code read, whether it enumerated the object as a map,
// and (from the module doing the reading) the definition it stands for; a
// member the schema code never read, and the model's TypeScript
// declaration does not name either (see declaredFields), is not a field of
// that definition.
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

// Which compiled schema code made the current property access:
// { definition: "IoK8sApiCoreV1Container", inline }, or null when the
// access came from elsewhere (ajv's runtime helpers, this file). inline
// means a helper function of that definition's module rather than its
// exported validate function: a subschema the generator inlined instead of
// a $ref (StatefulSetSpec's volumeClaimTemplates items, or a map). Frame 0
// is the proxy trap; the caller is the frame after it.
const schemaModule = /[\\/]_schemas[\\/](IoK8s[A-Za-z0-9]+)\.m?js$/;
const exportedNames = new Map();
function schemaCaller() {
  const saved = Error.prepareStackTrace;
  const holder = {};
  let callSite;
  try {
    Error.prepareStackTrace = (_, callSites) => callSites;
    Error.captureStackTrace(holder, schemaCaller);
    callSite = holder.stack[1];
  } finally {
    Error.prepareStackTrace = saved;
  }
  const file = callSite ? callSite.getFileName() : null;
  const match = file ? schemaModule.exec(file) : null;
  if (!match) return null;
  if (!exportedNames.has(file)) {
    exportedNames.set(file, require(file).validate.name);
  }
  return {
    definition: match[1],
    inline: callSite.getFunctionName() !== exportedNames.get(file),
  };
}

// "IoK8sApiCoreV1Container" -> "Container",
// "IoK8sApimachineryPkgApisMetaV1ObjectMeta" -> "ObjectMeta".
function shortName(definition) {
  const match = /^IoK8s.*?V[0-9]+(?:(?:alpha|beta)[0-9]+)?(?=[A-Z])/
    .exec(definition);
  return match ? definition.slice(match[0].length) : definition;
}

// The members the model's TypeScript declaration lists for a definition
// (kubernetes-models/<group>/<version>/<Name>.d.ts, the model whose module
// exports the definition's name), or null if no model has it. The
// generator drops a few properties from the compiled schemas that the
// declarations keep (those named description, as in PriorityClass, and
// JSONSchemaProps' x-kubernetes-* extensions); they are fields all the
// same, so a member is unknown only if neither names it.
const modelRoots = [
  path.join(tools, "node_modules", "kubernetes-models"),
  path.join(tools, "node_modules", "@kubernetes-models", "apimachinery"),
];
let modelFiles = null;  // "Container.js" -> [paths]
const declarations = new Map();
function declaredFields(definition) {
  if (declarations.has(definition)) return declarations.get(definition);
  if (modelFiles === null) {
    modelFiles = new Map();
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "_schemas" && entry.name !== "node_modules") {
            walk(full);
          }
        } else if (entry.name.endsWith(".js")) {
          if (!modelFiles.has(entry.name)) modelFiles.set(entry.name, []);
          modelFiles.get(entry.name).push(full);
        }
      }
    };
    modelRoots.forEach(walk);
  }
  const name = shortName(definition);
  let fields = null;
  for (const file of modelFiles.get(`${name}.js`) || []) {
    const exports = new RegExp(`[{,]${definition}:`);
    if (!exports.test(readFileSync(file, "utf8"))) continue;
    const body = new RegExp(
      `^export interface I${name}\\b[^{]*\\{([\\s\\S]*?)^\\}`, "m",
    ).exec(readFileSync(file.replace(/\.js$/, ".d.ts"), "utf8"));
    if (body) {
      fields = new Set(
        [...body[1].matchAll(/^ {4}"([^"]+)"\??:/gm)].map((m) => m[1]));
    }
    break;
  }
  declarations.set(definition, fields);
  return fields;
}

// Wraps a parsed document so that the compiled schema code's reads are
// recorded. Returns the wrapped document and a map from each object of the
// document to { read: Set of member names, map: bool, definition }.
function observed(data) {
  const records = new WeakMap();
  const proxies = new WeakMap();
  const recordOf = (target, caller) => {
    let record = records.get(target);
    if (!record) {
      record = { read: new Set(), map: false, ...caller };
      records.set(target, record);
    }
    return record;
  };
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (proxy) return proxy;
    const isArray = Array.isArray(value);
    proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (!isArray && typeof key === "string") {
          const caller = schemaCaller();
          if (caller) recordOf(target, caller).read.add(key);
        }
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (!isArray && typeof key === "string") {
          const caller = schemaCaller();
          if (caller) recordOf(target, caller).read.add(key);
        }
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        if (!isArray) {
          const caller = schemaCaller();
          if (caller) recordOf(target, caller).map = true;
        }
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { document: wrap(data), records };
}

// `spec.template.spec.containers[0].startUpProbe`; a key that is not a
// plain name is quoted: `metadata["prometheus.io/port"]`.
function memberPath(path, key) {
  if (typeof key === "number") return `${path}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) {
    return path === "" ? key : `${path}.${key}`;
  }
  return `${path}[${JSON.stringify(key)}]`;
}

// The members of `value` (and below) that its schema does not define, as
// "<path> is not a field of <Definition>". An object the schema code read
// nothing of and did not enumerate is free-form (a RawExtension, or a type
// it never reached because its parent's type was already wrong). An
// inlined subschema is named after the definition that holds it and the
// way there: StatefulSetSpec.volumeClaimTemplates[].
function unknownFields(value, records, path = "", owner = null, found = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) =>
      unknownFields(item, records, memberPath(path, i), owner, found));
    return found;
  }
  if (value === null || typeof value !== "object") return found;
  const record = records.get(value);
  if (!record || (!record.map && record.read.size === 0)) return found;
  if (!record.inline || !owner) {
    owner = { name: shortName(record.definition), path };
  }
  let name = owner.name;
  if (path !== owner.path) {
    const rest = path.slice(owner.path.length).replace(/\[[0-9]+\]/g, "[]");
    name += owner.path === "" && !rest.startsWith("[") ? `.${rest}` : rest;
  }
  for (const key of Object.keys(value)) {
    const at = memberPath(path, key);
    if (record.map || record.read.has(key) ||
        (!record.inline && declaredFields(record.definition)?.has(key))) {
      unknownFields(value[key], records, at, owner, found);
    } else {
      found.push(`${at} is not a field of ${name}`);
    }
  }
  return found;
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
      // The model's validate() with the observed document as `this`: the
      // constructor would copy the document and hide the reads.
      const { document, records } = observed(data);
      Model.prototype.validate.call(document);
      if (!data.metadata || !data.metadata.name) {
        throw new Error("metadata.name is missing");
      }
      const unknown = unknownFields(data, records);
      if (unknown.length > 0) {
        failures++;
        for (const problem of unknown) {
          console.error(`FAIL ${where} (${data.kind}): ${problem}`);
        }
        return;
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
