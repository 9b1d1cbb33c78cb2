/**
 * `derive` as a function that works out its value once per key object and keeps it as long as the key lives: for
 * what a hot path needs of a configuration object it is handed again and again (a managed type's schema, its
 * set of secrets), worked out on first use instead of at every call.
 */
export function oncePer<K extends object, V>(derive: (key: K) => V): (key: K) => V {
  const derived = new WeakMap<K, V>();
  return (key) => {
    let value = derived.get(key);
    if (value === undefined && !derived.has(key)) {
      value = derive(key);
      derived.set(key, value);
    }
    return value as V;
  };
}
