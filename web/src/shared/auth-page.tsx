// The signed-out shell of both apps: the brand, a card with a title, and whatever the page needs
// (sign-in, accept an invite, set a password, a link that no longer works).
import type { JSX } from "solid-js";
import { Show } from "solid-js";

export function AuthPage(props: {
  title: string;
  subtitle?: JSX.Element;
  /** Under the brand: the product part ("admin"), if any. */
  product?: string;
  children: JSX.Element;
  footer?: JSX.Element;
  tone?: "normal" | "problem";
}) {
  return (
    <main class="p-auth">
      <div class="p-auth-brand">
        <span class="p-logo" aria-hidden="true">
          P
        </span>
        <span class="p-wordmark">
          Parley
          <Show when={props.product}>
            <span class="p-product"> {props.product}</span>
          </Show>
        </span>
      </div>
      <section class="p-auth-card" classList={{ problem: props.tone === "problem" }}>
        <h1>{props.title}</h1>
        <Show when={props.subtitle}>
          <p class="p-subtitle">{props.subtitle}</p>
        </Show>
        {props.children}
      </section>
      <Show when={props.footer}>
        <footer class="p-auth-footer">{props.footer}</footer>
      </Show>
    </main>
  );
}
