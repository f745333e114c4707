import { expect, it } from "vitest";
import { Batches } from "./batches.js";

it("runs what arrives together as one batch, one batch at a time, gathering the next while one runs", async () => {
  const runs: number[][] = [];
  let running = 0;
  let overlapped = false;
  const batches = new Batches<number>(async (items) => {
    overlapped ||= running > 0;
    running++;
    runs.push(items);
    await new Promise((r) => setTimeout(r, 20));
    running--;
  });
  const first = [batches.add(1), batches.add(2, 3)];
  await new Promise((r) => setTimeout(r, 5)); // the first batch is running now
  const second = [batches.add(4), batches.add(5)];
  await Promise.all([...first, ...second]);
  expect(runs).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
  expect(overlapped).toBe(false);
});

it("rejects the callers of a failed batch only", async () => {
  const batches = new Batches<number>(async (items) => {
    if (items.includes(0)) throw new Error("failed");
  });
  await expect(batches.add(0)).rejects.toThrow("failed");
  await expect(batches.add(1)).resolves.toBeUndefined();
});

it("gathers for lingerMs after the first item", async () => {
  const runs: number[][] = [];
  const batches = new Batches<number>(async (items) => void runs.push(items), 40);
  const first = batches.add(1);
  await new Promise((r) => setTimeout(r, 10));
  const second = batches.add(2);
  await Promise.all([first, second]);
  expect(runs).toEqual([[1, 2]]);
});
