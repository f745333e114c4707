// The shared action runner (web/shared), wording errors for admins: the API's message and its code.
import { ApiError, createAction as createSharedAction, describeError } from "web/shared";

export function describe(error: unknown): string {
  return error instanceof ApiError ? `${describeError(error)} (${error.code})` : describeError(error);
}

export const createAction = () => createSharedAction(describe);
