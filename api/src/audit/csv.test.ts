import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../test/support/csv.js";
import { csvCell, csvRow } from "./csv.js";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\r\nlf", '"cr\r\nlf"'],
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tindent", "'\tindent"],
    ["\rreturn", '"\'\rreturn"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ["a=b", "a=b"],
    ["", ""],
  ])("writes %j as %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("writes null and undefined as empty cells and numbers as their text", () => {
    expect(csvRow([null, undefined, 42, "x"])).toBe(",,42,x\r\n");
  });

  it("round-trips any row through an RFC 4180 reader, defusing only formula starts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 6 }), { maxLength: 5 }),
        (rows) => {
          const parsed = parseCsv(rows.map(csvRow).join(""));
          expect(parsed).toEqual(rows.map((row) => row.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v))));
          for (const cell of parsed.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });

  it("round-trips text made of the characters that matter", () => {
    const tricky = fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "'", "a") });
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 1, maxLength: 4 }), (row) => {
        const [parsed] = parseCsv(csvRow(row));
        expect(parsed?.map((cell, i) => (cell === row[i] ? cell : cell.slice(1)))).toEqual(row);
        for (const cell of parsed ?? []) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });
});
