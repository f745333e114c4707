// Images for tests, made with sharp: a flat colour with a white disc, or noise (incompressible, so the
// PNG is large and its upload takes a moment).
import sharp from "sharp";

export function testPng(opts: { width: number; height: number; color?: string; noise?: boolean }): Promise<Buffer> {
  const { width, height } = opts;
  if (opts.noise)
    return sharp({
      create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
  const disc = `<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="white"/></svg>`;
  return sharp({ create: { width, height, channels: 3, background: opts.color ?? "#2f62c8" } })
    .composite([{ input: Buffer.from(disc) }])
    .png()
    .toBuffer();
}
