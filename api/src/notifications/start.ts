// Builds a notifier with its transports: FCM when a service account is configured, in-browser always.
import type { Services } from "../services.js";
import { BrowserTransport } from "./browser-transport.js";
import { FcmTransport } from "./fcm-transport.js";
import { Notifier } from "./notifier.js";

export interface RunningNotifier {
  notifier: Notifier;
  /** "FCM project <id>" or why FCM is off, for the start-up lines. */
  fcm: string;
  stop(): Promise<void>;
}

export async function startNotifier(services: Services): Promise<RunningNotifier> {
  // firebase-admin is loaded only when FCM is configured: ~10 MB of a node's memory otherwise (issue #19).
  const fcmApp = services.config.FCM_SERVICE_ACCOUNT
    ? (await import("./fcm-app.js")).createFcmApp(services.config)
    : null;
  const fcm = fcmApp ? new FcmTransport(fcmApp.messaging, services.sql, services.logger) : null;
  const notifier = new Notifier(services, { fcm, browser: new BrowserTransport(services.bus) });
  await notifier.start();
  return {
    notifier,
    fcm: fcmApp ? `FCM project ${fcmApp.projectId}` : "FCM off (no FCM_SERVICE_ACCOUNT): in-browser only",
    async stop() {
      await notifier.stop();
      await fcmApp?.close();
    },
  };
}
