// Items grouped by a key, each group's values in the items' order (Map.groupBy arrives only in Node 21).

export function groupBy<T, K, V>(items: Iterable<T>, keyOf: (item: T) => K, pick: (item: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(pick(item));
    else groups.set(key, [pick(item)]);
  }
  return groups;
}
