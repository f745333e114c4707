// fast-check arbitraries from JSON Schema (the OpenAPI document's, and zod's z.toJSONSchema of the socket
// protocol), for fuzzing the edge: `valid` follows the schema; `fuzzed` follows it mostly and twists it
// anywhere: hostile text, wrong types, missing required and unknown fields, junk in place of a value.
import fc from "fast-check";
import { hostileText } from "./hostile-text.js";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

/** Values that are no kind of valid field anywhere, or the classic surprises of a JSON parser. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, -1, 0, 1e308, -0.5, Number.MAX_SAFE_INTEGER + 2, "", [], {}, true, "null", "[]"),
  fc.constantFrom({ __proto__: { admin: true } }, { constructor: { prototype: {} } }, [[[[[[[[]]]]]]]]),
  fc.string({ minLength: 200, maxLength: 400 }),
);

/** Keys a careless server might trust or a JavaScript object might choke on. */
const strangeKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "role", "isAdmin", "userId", "id", ""),
  fc.string({ maxLength: 12 }),
);

const MAX_TEXT = 80;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SchemaArbitraries {
  /**
   * @param components `components.schemas` of an OpenAPI document, for `$ref`s.
   * @param ids ids the server knows (users, channels, messages …), so uuid fields reach past "not found".
   */
  constructor(
    private readonly components: Record<string, JsonSchema>,
    private readonly ids: () => string[],
  ) {}

  private resolve(schema: JsonSchema): JsonSchema {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = this.components[name];
    if (!target) throw new Error(`unknown $ref ${schema.$ref}`);
    return this.resolve(target);
  }

  /** A value the schema describes (refinements it cannot express, such as the text policy, may still refuse it). */
  valid(schema: JsonSchema): fc.Arbitrary<unknown> {
    return this.build(this.resolve(schema), false);
  }

  /** Mostly what the schema describes, twisted anywhere. */
  fuzzed(schema: JsonSchema): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 6, arbitrary: this.build(this.resolve(schema), true) }, { weight: 1, arbitrary: junk });
  }

  /**
   * Whether a value satisfies the schema as far as JSON Schema can say (types, required and unknown fields,
   * enums, lengths in code points, ranges, uuid format). False means the server, validating with the zod
   * schema the document came from (which is at least as strict), refuses it.
   */
  conforms(schema: JsonSchema, value: unknown): boolean {
    const s = this.resolve(schema);
    if (value === null) return s.nullable === true || s.type === "null";
    if (s.const !== undefined) return value === s.const;
    if (s.enum) return s.enum.includes(value);
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) return alternatives.some((a) => this.conforms(a, value));
    if (s.allOf) return s.allOf.every((a) => this.conforms({ ...this.resolve(a), additionalProperties: true }, value));
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case "string": {
        if (typeof value !== "string") return false;
        const length = [...value].length;
        if (length < (s.minLength ?? 0) || length > (s.maxLength ?? Number.POSITIVE_INFINITY)) return false;
        return s.format !== "uuid" || UUID.test(value);
      }
      case "integer":
      case "number": {
        if (typeof value !== "number" || (type === "integer" && !Number.isInteger(value))) return false;
        const exclusive = s.exclusiveMinimum === true;
        if (s.minimum !== undefined && (exclusive ? value <= s.minimum : value < s.minimum)) return false;
        return s.maximum === undefined || value <= s.maximum;
      }
      case "boolean":
        return typeof value === "boolean";
      case "array":
        return (
          Array.isArray(value) &&
          value.length >= (s.minItems ?? 0) &&
          value.length <= (s.maxItems ?? Number.POSITIVE_INFINITY) &&
          value.every((v) => !s.items || this.conforms(s.items, v))
        );
      case "object": {
        if (typeof value !== "object" || Array.isArray(value)) return false;
        const record = value as Record<string, unknown>;
        const properties = s.properties ?? {};
        if ((s.required ?? []).some((k) => !Object.hasOwn(record, k))) return false;
        return Object.entries(record).every(([k, v]) => {
          const property = Object.hasOwn(properties, k) ? properties[k] : undefined;
          return property ? this.conforms(property, v) : s.additionalProperties !== false;
        });
      }
      default:
        return true;
    }
  }

  private child(schema: JsonSchema, twist: boolean) {
    return twist ? this.fuzzed(schema) : this.valid(schema);
  }

  private build(s: JsonSchema, twist: boolean): fc.Arbitrary<unknown> {
    const value = this.shape(s, twist);
    return s.nullable ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) : value;
  }

  private shape(s: JsonSchema, twist: boolean): fc.Arbitrary<unknown> {
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) return fc.oneof(...alternatives.map((a) => this.child(a, twist)));
    if (s.allOf) {
      const parts = s.allOf.map((a) => this.resolve(a));
      const merged: JsonSchema = {
        type: "object",
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      };
      return this.shape(merged, twist);
    }
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case "string":
        return this.string(s, twist);
      case "integer":
      case "number":
        return this.number(s, type === "integer");
      case "boolean":
        return fc.boolean();
      case "array": {
        const items = s.items ? this.child(s.items, twist) : fc.jsonValue({ maxDepth: 1 });
        const minLength = s.minItems ?? 0;
        return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 4, 4)) });
      }
      case "object":
        return this.object(s, twist);
      default:
        // `{}` (any value), as zod writes z.unknown() and open records.
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(s: JsonSchema, twist: boolean): fc.Arbitrary<string> {
    let plain: fc.Arbitrary<string>;
    if (s.format === "uuid") {
      const known = this.ids();
      plain = known.length > 0 ? fc.oneof(fc.constantFrom(...known), fc.uuid()) : fc.uuid();
    } else if (s.format === "email") {
      plain = fc.emailAddress();
    } else if (s.format === "date-time") {
      plain = fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    } else {
      const minLength = s.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxLength ?? MAX_TEXT, MAX_TEXT));
      plain = fc.oneof(
        fc.string({ minLength, maxLength }),
        fc.string({ unit: "grapheme", minLength, maxLength }),
        // Just over the limit, where off-by-one and unit-counting mistakes live.
        ...(s.maxLength === undefined ? [] : [fc.constantFrom("x", "😀").map((c) => c.repeat((s.maxLength ?? 0) + 1))]),
      );
    }
    return twist ? fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: hostileText }) : plain;
  }

  private number(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
    const exclusive = s.exclusiveMinimum === true;
    const min = Math.max(s.minimum ?? -1_000_000, -Number.MAX_SAFE_INTEGER) + (exclusive ? 1 : 0);
    const max = Math.min(s.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    const edges = fc.constantFrom(min, max, min - 1, max + 1, 0);
    const inRange = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
    return fc.oneof({ weight: 3, arbitrary: inRange }, { weight: 1, arbitrary: edges });
  }

  private object(s: JsonSchema, twist: boolean): fc.Arbitrary<unknown> {
    const properties = s.properties ?? {};
    const shape = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, this.child(v, twist)]));
    const required = (s.required ?? []).filter((k) => k in properties);
    const complete = fc.record(shape, { requiredKeys: required });
    if (!twist) return complete;
    return fc
      .tuple(
        fc.oneof({ weight: 5, arbitrary: complete }, { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) }),
        fc.option(fc.tuple(strangeKey, junk), { freq: 6 }),
      )
      .map(([record, extra]) => {
        if (!extra) return record;
        // defineProperty: an own "__proto__" key, as JSON.parse makes one, not a prototype change.
        Object.defineProperty(record, extra[0], {
          value: extra[1],
          enumerable: true,
          configurable: true,
          writable: true,
        });
        return record;
      });
  }
}

/**
 * Percent-encodes text for a URL as a careless client would: code points as UTF-8, and a lone surrogate as
 * its three-byte (WTF-8) form, which no UTF-8 decoder accepts.
 */
export function percentEncode(text: string): string {
  let out = "";
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map(hexByte).join("");
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

const hexByte = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`;

/** Raw bytes, percent-encoded: invalid UTF-8 and everything else a path or query can carry. */
export const rawBytesEncoded = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((bytes) => Array.from(bytes, hexByte).join(""));
