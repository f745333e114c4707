// What the fuzzer sends (integration/fuzz.test.ts): HTTP requests for each operation of /api/openapi.json
// and frames for each request type of the protocol module, generated from their schemas and twisted
// (schema-arbitrary.ts), plus frames that are no request at all.
import fc from "fast-check";
import { z } from "zod";
import { clientRequestSchema } from "../../src/realtime/protocol.js";
import { hostileText } from "./hostile-text.js";
import type { Role } from "./http.js";
import { type JsonSchema, percentEncode, rawBytesEncoded, type SchemaArbitraries } from "./schema-arbitrary.js";

export type Caller = Role | "signedOut";
export type SocketCaller = Exclude<Caller, "signedOut">;

export interface Operation {
  parameters?: { in: "path" | "query"; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
}

export interface HttpCase {
  caller: Caller;
  url: string;
  body?: string;
  contentType?: string;
  origin?: string;
}

const rawBody = fc.oneof(
  hostileText,
  fc.constantFrom("", "{", "null", "[]", '{"a":', "\u0000", "1e999", '{"__proto__":{"role":"owner"}}'),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);

/** Text for a URL, kept under Node's 16 KiB header limit (the long texts are for bodies). */
export const asQueryText = (value: unknown) =>
  percentEncode((typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined")).slice(0, 300));

export function httpCases(
  arbs: SchemaArbitraries,
  /** The node's own origin, which the Origin check allows. */
  selfOrigin: string,
  method: string,
  path: string,
  op: Operation,
): fc.Arbitrary<HttpCase & { pathValues: [string, string][] }> {
  const params = op.parameters ?? [];
  const pathParts = params
    .filter((p) => p.in === "path")
    .map((p) =>
      fc
        .oneof(
          { weight: 6, arbitrary: arbs.valid(p.schema).map((v) => percentEncode(String(v))) },
          { weight: 1, arbitrary: hostileText.filter((t) => t.length > 0).map((t) => percentEncode(t.slice(0, 300))) },
          { weight: 1, arbitrary: rawBytesEncoded },
        )
        .map((value) => [p.name, value] as const),
    );
  const queryParts = params
    .filter((p) => p.in === "query")
    .map((p) =>
      fc.option(
        fc
          .oneof(
            { weight: 4, arbitrary: arbs.fuzzed(p.schema).map(asQueryText) },
            { weight: 1, arbitrary: rawBytesEncoded },
          )
          .map((value) => `${p.name}=${value}`),
        { freq: 2 },
      ),
    );
  // Operations whose body is not JSON (a file upload's raw bytes) get raw bodies below.
  const schema = op.requestBody?.content["application/json"]?.schema;
  const body = schema
    ? fc.oneof(
        { weight: 8, arbitrary: arbs.fuzzed(schema).map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: rawBody },
      )
    : method === "GET"
      ? fc.constant(undefined) // fetch sends no body with a GET
      : fc.option(rawBody, { freq: 10 }).map((b) => b ?? undefined);
  return fc
    .record({
      caller: fc.constantFrom<Caller>("owner", "owner", "admin", "member", "member", "guest", "signedOut"),
      path: fc.tuple(...pathParts),
      query: fc.tuple(...queryParts, fc.option(fc.tuple(fc.string({ maxLength: 8 }), hostileText), { freq: 8 })),
      body,
      contentType: fc.constantFrom("application/json", "application/json", "application/json", "text/plain", undefined),
      origin: fc.constantFrom("self", "self", "self", "self", "self", "none", "https://evil.example"),
    })
    .map(({ caller, path: values, query, body, contentType, origin }) => {
      let url = `/api${path}`;
      for (const [name, value] of values) url = url.replace(`{${name}}`, value);
      const pairs = query.filter((q) => q !== null) as (string | [string, string])[];
      const search = pairs.map((q) => (typeof q === "string" ? q : `${percentEncode(q[0])}=${asQueryText(q[1])}`));
      if (search.length > 0) url += `?${search.join("&")}`;
      return {
        caller,
        url,
        pathValues: values.map(([name, value]) => [name, value] as [string, string]),
        ...(body === undefined ? {} : { body }),
        ...(contentType ? { contentType } : {}),
        ...(origin === "none" ? {} : { origin: origin === "self" ? selfOrigin : origin }),
      };
    });
}

export type Sent = { data: string | Buffer; binary?: boolean; invalidUtf8?: boolean };

/** Every request frame of the protocol module, as JSON Schema. */
export const frameSchemas = (
  z.toJSONSchema(clientRequestSchema, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) as {
    oneOf: JsonSchema[];
  }
).oneOf;

let nextId = 0;
const requestId = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null).map(() => `f${nextId++}`) },
  { weight: 1, arbitrary: fc.oneof(hostileText, fc.jsonValue({ maxDepth: 1 }), fc.constant("i".repeat(65))) },
);

export function frameCases(
  arbs: SchemaArbitraries,
  schema: JsonSchema,
): fc.Arbitrary<{ caller: SocketCaller; sent: Sent }> {
  const { id: _id, ...properties } = schema.properties ?? {};
  const rest = { ...schema, properties, required: (schema.required ?? []).filter((k) => k !== "id") };
  return fc
    .record({
      caller: fc.constantFrom<SocketCaller>("owner", "admin", "member", "member", "guest"),
      id: fc.option(requestId, { freq: 30 }),
      fields: arbs.fuzzed(rest),
    })
    .map(({ caller, id, fields }) => {
      const frame =
        typeof fields === "object" && fields !== null && !Array.isArray(fields)
          ? { ...(id === null ? {} : { id }), ...fields }
          : fields;
      return { caller, sent: { data: JSON.stringify(frame) ?? "undefined" } };
    });
}

/** Frames that are not requests at all: not JSON, binary, not UTF-8, over the size limit. */
export const rawFrames: fc.Arbitrary<Sent> = fc.oneof(
  hostileText.map((data) => ({ data })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ data: JSON.stringify(v) })),
  fc.constantFrom('{"id":"x","type":"ping"', '{"id":"x"}', "[]", "null", '{"id":"x","type":"ping"}{}').map((data) => ({
    data,
  })),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
  // Bytes that are not UTF-8, in a text frame.
  fc
    .tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(0xff, 0xc0, 0xed))
    .map(([bytes, bad]) => ({ data: Buffer.from([0x7b, ...bytes, bad, 0x20]), invalidUtf8: true })),
  fc
    .integer({ min: 16 * 1024, max: 20 * 1024 })
    .map((n) => ({ data: JSON.stringify({ id: `big${n}`, type: "ping", pad: "a".repeat(n) }) })),
  fc.constant({ data: `{"id":"huge","type":"ping","pad":"${"a".repeat(100_000)}"}` }),
);
