import { Prisma } from "../generated/prisma/client.js";

/** A unique constraint refused the write (Prisma P2002): a duplicate. */
export const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
