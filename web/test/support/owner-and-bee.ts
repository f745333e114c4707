// A browser test file whose world is the owner and one member, Bee, on the file's own stack (web-stack.ts),
// each opening desk tabs at #general. Call it at the top of the file: it registers the file's beforeAll and
// afterAll, and its fields are there from the first test on.
import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { deskAtGeneral, makePerson, OWNER, ownerCookie, type Person } from "./people";
import { startWebStack, type WebStack } from "./web-stack";

export interface OwnerAndBee {
  readonly web: WebStack;
  readonly bee: Person;
  /** A signed-in desk tab of the owner's or Bee's, #general open, composer ready. */
  desk(who: "owner" | "bee"): Promise<Page>;
}

export function ownerAndBee(): OwnerAndBee {
  let web: WebStack | undefined;
  let bee: Person | undefined;
  beforeAll(async () => {
    web = await startWebStack();
    bee = await makePerson(web.api, await ownerCookie(web.api), "Bee");
  }, 200_000);
  afterAll(() => web?.close());
  const up = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the file's stack is not up (see its beforeAll)");
    return value;
  };
  return {
    get web() {
      return up(web);
    },
    get bee() {
      return up(bee);
    },
    desk(who) {
      const stack = up(web);
      return deskAtGeneral(stack.browser, stack.api, who === "owner" ? OWNER : up(bee), stack.contexts);
    },
  };
}
