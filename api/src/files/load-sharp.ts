// sharp (libvips) on first use: it is ~20 MB of a node's memory, and most nodes never render an image
// (issue #19: a fresh node under 100 MB).
import type SharpModule from "sharp";

let loaded: Promise<typeof SharpModule> | undefined;

export function loadSharp(): Promise<typeof SharpModule> {
  loaded ??= import("sharp").then((m) => m.default);
  return loaded;
}
