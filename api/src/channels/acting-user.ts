// The signed-in user of a request, with the client's address, for the channel actions that are audited.
import type { Context } from "hono";
import { clientIp } from "../lib/client-ip.js";
import { type AuthEnv, requireUser } from "../middleware/session/index.js";

export const actingUser = (c: Context<AuthEnv>) => ({ ...requireUser(c).user, ip: clientIp(c) });
