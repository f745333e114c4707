// What a person sees when a page breaks: a render that throws, or a route whose code could not be loaded
// (a new version was deployed since the tab opened, or the network dropped). It says so in plain words and
// offers "Reload". Both apps use it as the router's default error page and around everything else. It runs
// under the strict Content-Security-Policy (classes from shared.css, no inline style or script) and
// reports the error nowhere but this browser's console.
import { ErrorBoundary, type JSX, onMount } from "solid-js";

/** Chromium, Firefox and Safari's words for a code-split chunk that did not arrive. */
const CHUNK_FAILED = /dynamically imported module|Importing a module script failed|error loading dynamically/i;

export function AppError(props: { error: unknown }) {
  const chunk = () => props.error instanceof Error && CHUNK_FAILED.test(props.error.message);
  onMount(() => console.warn("The page failed:", props.error));
  return (
    <div class="p-app-error" role="alert" data-testid="app-error">
      <h1>{chunk() ? "This page could not be loaded" : "Something went wrong"}</h1>
      <p>
        {chunk()
          ? "Parley may have been updated since you opened it, or the connection dropped. Reload to get the current version."
          : "This page stopped working. Reloading usually fixes it; what you have sent is kept."}
      </p>
      <button type="button" class="p-button primary" onClick={() => location.reload()}>
        Reload
      </button>
    </div>
  );
}

/** Around an app: an error thrown while rendering outside the router's pages shows AppError, not a blank page. */
export function AppErrorBoundary(props: { children: JSX.Element }) {
  return <ErrorBoundary fallback={(error) => <AppError error={error} />}>{props.children}</ErrorBoundary>;
}
