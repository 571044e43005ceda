/** A counting semaphore whose waiters give up after a timeout (so a flood queues, then degrades). */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Runs fn with a slot; rejects with SemaphoreTimeout when no slot came within waitMs. */
  async run<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
    await this.acquire(waitMs);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(waitMs: number): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new SemaphoreTimeout());
      }, waitMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}

export class SemaphoreTimeout extends Error {}
