import { describe, expect, it } from "vitest";
import { DisplayNameSchema, EmailSchema, TimeZoneSchema } from "./schemas.js";

describe("account field schemas", () => {
  it("accept IANA zones in their canonical spelling and refuse the rest", () => {
    expect(TimeZoneSchema.parse("europe/paris")).toBe("Europe/Paris");
    expect(TimeZoneSchema.parse("UTC")).toBe("UTC");
    expect(TimeZoneSchema.parse("America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires");
    for (const bad of ["Mars/Olympus", "+02:00", "-0500", "", "Europe/Paris; DROP"]) {
      expect(TimeZoneSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("lower-case and trim emails", () => {
    expect(EmailSchema.parse("  Ann.Lee@Example.COM ")).toBe("ann.lee@example.com");
    expect(EmailSchema.safeParse("not an email").success).toBe(false);
  });

  it("trim display names, refusing empty ones and control characters", () => {
    expect(DisplayNameSchema.parse("  Zoë <b> ")).toBe("Zoë <b>");
    expect(DisplayNameSchema.safeParse("   ").success).toBe(false);
    expect(DisplayNameSchema.safeParse("a\u0000b").success).toBe(false);
    expect(DisplayNameSchema.safeParse("x".repeat(65)).success).toBe(false);
  });
});
