/** A minimal FIFO mutex for async critical sections. */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();
  private held = 0;

  get idle(): boolean {
    return this.held === 0;
  }

  with<T>(fn: () => Promise<T>): Promise<T> {
    this.held++;
    const run = this.tail.then(fn);
    this.tail = run.then(
      () => { this.held--; },
      () => { this.held--; },
    );
    return run;
  }
}
