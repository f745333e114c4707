// Display names that only look like another member's (issue #11 item 5): a Cyrillic or Greek look-alike,
// fullwidth letters, "rn" for "m", a capital I for an l. Refused with a typed 400 wherever a name is set —
// the profile, an admin's create and edit, an accepted invite — and nothing changes. Invisible and
// direction-changing characters are refused by the text policy. A name equal to another's is allowed.
import { describe, expect, it } from "vitest";
import { createUser } from "../support/fixtures.js";
import { signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";

const app = inProcessApp();

const LOOK_ALIKES = ["Аlice Mаrtin", "ΑLICE MARTIN", "Ａlice Martin", "Alice  Martin", "AIice Martin", "alice martin"];

describe("display names that look like another member's", () => {
  it("are refused on the profile with a typed 400, and the name stays as it was", async () => {
    await createUser(app.services.db, { name: "Alice Martin" });
    const { user, token } = await signedIn(app.services.db, "member", { name: "Mallory" });
    for (const displayName of LOOK_ALIKES) {
      const res = await app.call("PATCH", "/api/me", { token, body: { displayName } });
      expect(res.status, displayName).toBe(400);
      expect(res.body.error.code).toBe("name_confusable");
      expect(res.body.error.details.issues[0].path).toBe("displayName");
    }
    for (const displayName of ["Al\u200bice Martin", "\u202eAlice Martin", "Alice\u2066 Martin"]) {
      const res = await app.call("PATCH", "/api/me", { token, body: { displayName } });
      expect(res.status, JSON.stringify(displayName)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    expect((await app.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).displayName).toBe("Mallory");
  });

  it("are refused when an admin creates or renames someone", async () => {
    await createUser(app.services.db, { name: "Kim Park" });
    const admin = await signedIn(app.services.db, "admin");
    const before = await app.services.db.user.count();
    const created = await app.call("POST", "/api/admin/users", {
      token: admin.token,
      body: { email: "kim@parley.test", displayName: "Kirn Park" },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe("name_confusable");
    expect(await app.services.db.user.count()).toBe(before);
    const other = await createUser(app.services.db, { name: "Somebody" });
    const renamed = await app.call("PATCH", `/api/admin/users/${other.id}`, {
      token: admin.token,
      body: { displayName: "Kim Pаrk" },
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.code).toBe("name_confusable");
  });

  it("allow a name exactly another's, a different name, and keeping one's own", async () => {
    await createUser(app.services.db, { name: "Sam Lee" });
    const { token } = await signedIn(app.services.db, "member", { name: "Sаm Lee" });
    for (const displayName of ["Sam Lee", "Samuel Lee", "Sam Li"]) {
      const res = await app.call("PATCH", "/api/me", { token, body: { displayName } });
      expect(res.status, displayName).toBe(200);
      expect(res.body.user.displayName).toBe(displayName);
    }
  });
});
