import { describe, expect, it } from "vitest";
import { describeStoreError, isDataRefusal } from "./refusals.js";

const pgError = (fields: Record<string, string>) => Object.assign(new Error("from pg"), fields);

describe("the persister's judgement of a store error", () => {
  it("blames the data only for data exceptions and integrity violations", () => {
    for (const code of ["22P05", "22021", "22001", "23503", "23505"])
      expect(isDataRefusal(pgError({ code }))).toBe(true);
    for (const code of ["08006", "40P01", "40001", "57P01", "53300", "42703", "XX000"])
      expect(isDataRefusal(pgError({ code }))).toBe(false);
    expect(isDataRefusal(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(isDataRefusal(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe(false);
  });

  it("describes it without quoting any data", () => {
    const error = pgError({
      code: "23505",
      table: "Message",
      constraint: "Message_authorId_clientId_key",
      detail: 'Key ("authorId", "clientId")=(…, secret words) already exists.',
      where: 'JSON data, line 1: {"body":"secret words',
    });
    const described = describeStoreError(error);
    expect(described).toBe(
      "SQLSTATE 23505 (integrity constraint violation), table Message, constraint Message_authorId_clientId_key",
    );
    expect(describeStoreError(pgError({ code: "22P05" }))).toBe("SQLSTATE 22P05 (data exception)");
    expect(describeStoreError(new TypeError("secret words"))).toBe("TypeError (not from PostgreSQL)");
  });
});
