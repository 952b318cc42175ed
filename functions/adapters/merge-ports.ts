// One object from several adapters that each implement part of a port: their methods (and getters) bound to the
// part they belong to. Their own fields (the client, the table name) stay private to each part. A name two parts
// share is a mistake and stops at once.

type Part = object;

function members(part: Part): Map<string, PropertyDescriptor> {
  const found = new Map<string, PropertyDescriptor>();
  for (
    let proto = Object.getPrototypeOf(part);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (name === 'constructor' || found.has(name)) continue;
      if (typeof descriptor.value === 'function')
        found.set(name, { value: descriptor.value.bind(part), enumerable: true });
      else if (descriptor.get) found.set(name, { get: descriptor.get.bind(part), enumerable: true });
    }
  }
  return found;
}

export function mergePorts<A extends Part, B extends Part, C extends Part = object>(a: A, b: B, c?: C): A & B & C {
  const merged: Record<string, PropertyDescriptor> = {};
  for (const part of c ? [a, b, c] : [a, b]) {
    for (const [name, descriptor] of members(part)) {
      if (name in merged) throw new Error(`mergePorts: ${name} is in two parts`);
      merged[name] = descriptor;
    }
  }
  return Object.defineProperties({}, merged) as A & B & C;
}
