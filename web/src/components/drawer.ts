// On narrow screens the sidebar is a drawer: the menu button in a header opens it, choosing a channel,
// Escape or the backdrop closes it.
import { createSignal } from "solid-js";

const [open, setOpen] = createSignal(false);
export const drawerOpen = open;
export const setDrawerOpen = setOpen;
