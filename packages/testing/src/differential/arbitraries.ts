import fc from "fast-check";

/** A small pool of keys, so commands collide on the same keys; includes names that trip naive proxies. */
export const keyArbitrary: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("a", "b", "c", "d", "e") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      "1",
      "10",
      "__proto__",
      "constructor",
      "toString",
      "then",
      "keys",
      "size",
      "a:b",
      "\u00e9",
      "e\u0301",
      "😀",
      "*",
      "a b",
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(7, 10) },
);

/** Values: plain JSON and the rich types the codec keeps (Date, BigInt, undefined, NaN, -0, Map, Set, lone surrogates). */
export const valueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.date({ noInvalidDate: true }),
      fc.bigInt(),
      fc.constant(undefined),
      fc.double(),
      fc.string({ unit: "binary", maxLength: 6 }),
      fc.constantFrom(0, -0, "", null, false),
      fc.dictionary(
        fc.string({ maxLength: 4 }),
        fc.oneof(fc.integer(), fc.constant(undefined), fc.date({ noInvalidDate: true })),
      ),
      fc.array(fc.oneof(fc.integer(), fc.constant(undefined), fc.bigInt()), { maxLength: 4 }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc
        .array(fc.tuple(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3 })
        .map((pairs) => new Map(pairs)),
      fc.array(fc.integer(), { maxLength: 4 }).map((items) => new Set(items)),
    ),
  },
);

/** Values the store must refuse with INVALID_VALUE. */
export const badValueArbitrary: fc.Arbitrary<unknown> = fc.constantFrom(
  () => 1,
  Symbol("bad"),
  new WeakMap(),
  Promise.resolve(1),
  { nested: [() => 2] },
  new Date(Number.NaN),
);

/** Keys the store must refuse with INVALID_KEY. */
export const badKeyArbitrary: fc.Arbitrary<string> = fc.constantFrom("\uD800", "a\uDFFF", "\uDC00\uD800");
