// What a file is, from its first bytes (file-type), never from the name or the client's Content-Type. Only
// raster formats sharp decodes become images (previewed inline, as re-encoded renditions); everything
// else, SVG and HTML included, is served only as a download.
import { open } from "node:fs/promises";
import { fileTypeFromBuffer } from "file-type";

/** Enough for file-type to recognize every format it knows. */
const SNIFF_BYTES = 4100;

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

export interface Sniffed {
  mime: string;
  /** The format is one we render as an image (the renditions may still fail: then it is a file). */
  image: boolean;
}

export function sniffBytes(head: Uint8Array): Promise<Sniffed> {
  return fileTypeFromBuffer(head).then((found) => {
    const mime = found?.mime ?? "application/octet-stream";
    return { mime, image: IMAGE_TYPES.has(mime) };
  });
}

export async function sniffFile(file: string): Promise<Sniffed> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return sniffBytes(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
