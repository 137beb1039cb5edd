// The contract of pipeline.json and of a DAG run's parameters: the JSON Schema that ships with the DAG
// (jobs/dags/fraud_pipeline_lib/pipeline.schema.json; the DAG checks the same file with Python's jsonschema).
// This module compiles it once (ajv, a maintained validator: no hand-written re-checks) and exposes its
// limits, so the config parsers refuse exactly what the DAG would refuse, naming the Pulumi key.
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { Range } from "./reader";

/** Relative to the repository root; the provisioning bundle ships jobs/dags to the VM, this file included. */
export const PIPELINE_SCHEMA_FILE = "jobs/dags/fraud_pipeline_lib/pipeline.schema.json";

type Json = Record<string, unknown>;

export const PIPELINE_SCHEMA: Json = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", PIPELINE_SCHEMA_FILE), "utf8"));
const SCHEMA_ID = PIPELINE_SCHEMA.$id as string;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, verbose: true });
addFormats(ajv, ["date"]);
ajv.addSchema(PIPELINE_SCHEMA);

function validatorFor(pointer: string): ValidateFunction {
    const validate = ajv.getSchema(`${SCHEMA_ID}#${pointer}`);
    if (!validate) throw new Error(`${PIPELINE_SCHEMA_FILE} has no ${pointer}`);
    return validate;
}

/** One refusal: the dotted key (`training.delayDays`, `jobs.pyFiles[0]`) and the validator's words. */
export interface ContractError {
    readonly key: string;
    readonly message: string;
    readonly description?: string;
}

function keyOf(error: ErrorObject): string {
    const parts = error.instancePath.split("/").slice(1).map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (error.keyword === "required") parts.push(String(error.params.missingProperty));
    if (error.keyword === "additionalProperties") parts.push(String(error.params.additionalProperty));
    return parts.reduce((key, part) => (/^\d+$/.test(part) ? `${key}[${part}]` : key ? `${key}.${part}` : part), "");
}

/** What the schema says about the failing key (for a missing key: that property's own description). */
function describe(error: ErrorObject): string | undefined {
    const schema = error.parentSchema as Json | undefined;
    if (error.keyword === "additionalProperties") return undefined;
    const node = error.keyword === "required" ? ((schema?.properties as Json | undefined)?.[String(error.params.missingProperty)] as Json | undefined) : schema;
    return node?.description as string | undefined;
}

/**
 * Every key the document breaks, sorted, one message per key. Same rules as contract_errors in
 * fraud_pipeline_lib/config.py: the combinators' own reports (if, propertyNames) are left out, because
 * the failing keyword inside them names the key.
 */
export function contractErrors(value: unknown, pointer = ""): ContractError[] {
    const validate = validatorFor(pointer);
    if (validate(value)) return [];
    const byKey = new Map<string, ContractError>();
    for (const error of validate.errors ?? []) {
        if (error.keyword === "if" || error.keyword === "propertyNames") continue;
        const key = keyOf(error);
        const description = describe(error);
        if (!byKey.has(key)) byKey.set(key, { key, message: error.message ?? error.keyword, description });
    }
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The schema node at a JSON pointer such as `/$defs/runWindow/properties/delayDays`. */
export function schemaAt(pointer: string): Json {
    let node: unknown = PIPELINE_SCHEMA;
    for (const part of pointer.split("/").slice(1)) node = (node as Json)[part];
    if (node === undefined) throw new Error(`${PIPELINE_SCHEMA_FILE} has no ${pointer}`);
    return node as Json;
}

/** The allowed values of an enum in the schema: choices the TS config and the DAG share (training.model...). */
export function schemaEnum(pointer: string): readonly string[] {
    const values = schemaAt(pointer).enum;
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) throw new Error(`${PIPELINE_SCHEMA_FILE} ${pointer} has no string enum`);
    return values as string[];
}

/** [minimum, maximum] of an integer in the schema: the config parsers read their limits from here. */
export function schemaRange(pointer: string): Range {
    const node = schemaAt(pointer);
    if (typeof node.minimum !== "number" || typeof node.maximum !== "number") throw new Error(`${PIPELINE_SCHEMA_FILE} ${pointer} has no minimum/maximum`);
    return { min: node.minimum, max: node.maximum };
}

export const RUN_WINDOW = "/$defs/runWindow";
export const RUN_PARAMS = "/$defs/runParams";
