import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors.js";
import { decodeCursor, encodeCursor } from "./cursor.js";

const Schema = z.tuple([z.string(), z.uuid()]);

describe("cursors", () => {
  it("round-trip", () => {
    const value = ["2026-01-01T00:00:00.000Z", "5b0f7f1e-6f55-4c53-9d2a-0e4b3f0c8f11"];
    expect(decodeCursor(encodeCursor(value), Schema)).toEqual(value);
  });

  it("turn anything else into a 400 invalid_cursor", () => {
    for (const bad of ["", "%%%", encodeCursor({ a: 1 }), encodeCursor(["x", "not-a-uuid"])]) {
      expect(() => decodeCursor(bad, Schema)).toThrow(AppError);
      try {
        decodeCursor(bad, Schema);
      } catch (error) {
        expect(error).toMatchObject({ status: 400, code: "invalid_cursor" });
      }
    }
  });
});
