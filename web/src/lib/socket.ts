// The socket module lives in web/shared (the admin dashboard uses it too); the web client's code imports it here.
export * from "../shared/socket";
