// What the admin dashboard imports from the web client (`import … from "web/shared"`): see README.md.
export { type Action, createAction } from "./action";
export { AppError, AppErrorBoundary } from "./app-error";
export { AuthPage } from "./auth-page";
export { Avatar, initialsOf } from "./avatar";
export { ErrorText } from "./error-text";
export { Field } from "./field";
export { ApiError, api, describeError, read } from "./http";
export { SignInForm } from "./sign-in-form";
export { ChatSocket, type EventFrame, SocketError, type SocketOptions } from "./socket";
