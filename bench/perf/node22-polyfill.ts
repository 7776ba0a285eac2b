// PostGraphile v5 declares `engines: node >= 22`. The one Node 22 API its runtime (grafast, grafserv,
// @dataplan/pg) calls is `Promise.withResolvers` (ES2024, V8 12); this adds it on Node 20, per the
// spec (a capability of `this`, so subclasses get their own kind of promise). Imported first by
// bench/perf/peer-server.ts only: nothing in src/ or test/ sees it.
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as PromiseConstructor & { withResolvers?: unknown };
if (typeof P.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>["resolve"];
      let reject!: Resolvers<T>["reject"];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
