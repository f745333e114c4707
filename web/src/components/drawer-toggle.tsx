import { drawerOpen, setDrawerOpen } from "./drawer";

/** The ☰ button that opens the sidebar on narrow screens (hidden on wide ones, see chat.css). */
export function DrawerToggle() {
  return (
    <button
      type="button"
      class="drawer-toggle icon"
      aria-label="Open channels"
      aria-expanded={drawerOpen()}
      onClick={() => setDrawerOpen(true)}
    >
      ☰
    </button>
  );
}
