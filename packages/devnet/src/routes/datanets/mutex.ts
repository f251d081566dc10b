/**
 * Serialises async critical sections. PGlite is one connection, so statements never run in
 * parallel, but a read-check-write sequence spanning several awaits can still interleave with
 * another request's; every such sequence runs inside `run` so quota checks stay atomic.
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** One {@link Mutex} per key (e.g. per upload), dropped when nobody waits on it. */
export class KeyedMutex {
  readonly #locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.#locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      entry.users--;
      if (entry.users === 0) this.#locks.delete(key);
    }
  }
}
