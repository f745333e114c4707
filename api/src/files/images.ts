// Renditions of an uploaded image (sharp): a thumbnail for the message list and a larger preview for the
// lightbox, both WebP, turned upright by their EXIF orientation and then written without any metadata
// (EXIF, GPS, XMP, ICC comments), so what is shown inline never leaks where or with what it was taken.
// The original is only ever offered as a download.
import { loadSharp } from "./load-sharp.js";

export const RENDITIONS = {
  thumb: { size: 480, quality: 75 },
  preview: { size: 1600, quality: 82 },
} as const;
export type Rendition = keyof typeof RENDITIONS;

/** Decoding bombs are refused: at most this many pixels (a 16k × 16k image). */
const MAX_PIXELS = 16_384 * 16_384;

export interface Rendered {
  width: number;
  height: number;
  thumb: Buffer;
  preview: Buffer;
}

/** The renditions and the upright size, or null when sharp cannot read the image. */
export async function renderImage(file: string): Promise<Rendered | null> {
  try {
    const source = (await loadSharp())(file, { limitInputPixels: MAX_PIXELS, failOn: "error" });
    const meta = await source.metadata();
    if (!meta.width || !meta.height) return null;
    // Orientations 5–8 are rotated by 90°: the upright image is as tall as the stored one is wide.
    const turned = (meta.orientation ?? 1) >= 5;
    const [thumb, preview] = await Promise.all(
      (Object.keys(RENDITIONS) as Rendition[]).map((name) => {
        const { size, quality } = RENDITIONS[name];
        return source
          .clone()
          .rotate()
          .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
          .webp({ quality })
          .toBuffer();
      }),
    );
    return {
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      thumb: thumb as Buffer,
      preview: preview as Buffer,
    };
  } catch {
    return null;
  }
}
