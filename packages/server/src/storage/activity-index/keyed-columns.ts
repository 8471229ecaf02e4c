// Int32 rows keyed by an Int32, a typed array per column: sorted, plus a short unsorted tail for
// new keys.

/** New keys wait in the tail until it is this long, then are merged in (one O(n) pass). */
const TAIL_LIMIT = 256;

/**
 * A table of `width` Int32 columns per key. Lookups are a binary search plus a scan of the tail;
 * a key larger than every key so far is appended in place (bulk loads in key order never merge).
 * Rows are scanned by position (`size`, `keyAt`, `get`): order is not meaningful. Each column is
 * an array of its own: a scan reads only the columns it needs (much of an analytics scan's time
 * is the memory it reads).
 */
export class KeyedColumns {
  private keys = new Int32Array(8);
  private values: Int32Array[];
  private sorted = 0;
  private count = 0;

  constructor(readonly width: number) {
    this.values = Array.from({ length: width }, () => new Int32Array(8));
  }

  get size(): number {
    return this.count;
  }

  /** Rows 0 … sortedSize − 1 are in key order; the rest is the tail (what a snapshot saves). */
  get sortedSize(): number {
    return this.sorted;
  }

  /**
   * A table from its arrays as a snapshot saved them (`columns()`, `size`, `sortedSize`): taken
   * as they are, no copy; each array holds at least `size` rows.
   */
  static restore(
    keys: Int32Array<ArrayBuffer>,
    values: Array<Int32Array<ArrayBuffer>>,
    size: number,
    sorted: number,
  ): KeyedColumns {
    const table = new KeyedColumns(values.length);
    table.keys = keys.length > 0 ? keys : new Int32Array(8);
    table.values = keys.length > 0 ? values : values.map(() => new Int32Array(8));
    table.count = size;
    table.sorted = sorted;
    return table;
  }

  keyAt(row: number): number {
    return this.keys[row] as number;
  }

  /** The arrays behind the rows, for scans (`values[column][row]`): valid until the next change. */
  columns(): { keys: Int32Array; values: readonly Int32Array[] } {
    return { keys: this.keys, values: this.values };
  }

  get(row: number, column: number): number {
    return (this.values[column] as Int32Array)[row] as number;
  }

  set(row: number, column: number, value: number): void {
    (this.values[column] as Int32Array)[row] = value;
  }

  /** The row of `key`, or -1. */
  find(key: number): number {
    let low = 0;
    let high = this.sorted - 1;
    const keys = this.keys;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = keys[mid] as number;
      if (at < key) low = mid + 1;
      else if (at > key) high = mid - 1;
      else return mid;
    }
    for (let row = this.sorted; row < this.count; row++) if (keys[row] === key) return row;
    return -1;
  }

  /**
   * The row of `key`, or -1, as `find` but for keys asked in ascending order: the search starts
   * where the last one ended (`cursor.at`, 0 to begin) and gallops forward, so a sparse run of
   * lookups reads a few nearby keys each instead of a binary search's scattered ones.
   */
  findAscending(key: number, cursor: { at: number }): number {
    const keys = this.keys;
    let low = cursor.at;
    if (low > 0 && (keys[low - 1] as number) >= key) low = 0; // not ascending: start over
    let step = 1;
    while (low + step <= this.sorted && (keys[low + step - 1] as number) < key) {
      low += step;
      step *= 2;
    }
    let high = Math.min(low + step, this.sorted) - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if ((keys[mid] as number) < key) low = mid + 1;
      else high = mid - 1;
    }
    cursor.at = low;
    if (low < this.sorted && keys[low] === key) return low;
    for (let row = this.sorted; row < this.count; row++) if (keys[row] === key) return row;
    return -1;
  }

  /** The row of `key`, added with zero values if missing. Rows may move when one is added. */
  upsert(key: number): number {
    const found = this.find(key);
    if (found >= 0) return found;
    this.grow();
    const row = this.count++;
    this.keys[row] = key;
    for (const column of this.values) column[row] = 0;
    if (this.sorted === row && (row === 0 || (this.keys[row - 1] as number) < key)) {
      this.sorted++;
      return row;
    }
    if (this.count - this.sorted < TAIL_LIMIT) return row;
    this.mergeTail();
    return this.find(key);
  }

  /** Removes a key's row (erasure); returns whether it was there. */
  remove(key: number): boolean {
    const row = this.find(key);
    if (row < 0) return false;
    this.keys.copyWithin(row, row + 1, this.count);
    for (const column of this.values) column.copyWithin(row, row + 1, this.count);
    this.count--;
    if (row < this.sorted) this.sorted--;
    return true;
  }

  private grow(): void {
    if (this.count < this.keys.length) return;
    const grown = (array: Int32Array) => {
      const bigger = new Int32Array(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.keys = grown(this.keys);
    this.values = this.values.map(grown);
  }

  /** Sorts the tail and merges it with the sorted rows, from the back, in place. */
  private mergeTail(): void {
    const tail = Array.from({ length: this.count - this.sorted }, (_, i) => this.sorted + i);
    tail.sort((a, b) => (this.keys[a] as number) - (this.keys[b] as number));
    // The keys move as one more column.
    const columns = [this.keys, ...this.values];
    const tailColumns = columns.map((column) =>
      Int32Array.from(tail, (row) => column[row] as number),
    );
    const tailKeys = tailColumns[0] as Int32Array;
    let a = this.sorted - 1;
    let b = tail.length - 1;
    for (let out = this.count - 1; b >= 0; out--) {
      const isSorted = a >= 0 && (this.keys[a] as number) > (tailKeys[b] as number);
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as Int32Array;
        const source = isSorted ? column : (tailColumns[c] as Int32Array);
        column[out] = source[isSorted ? a : b] as number;
      }
      if (isSorted) a--;
      else b--;
    }
    this.sorted = this.count;
  }
}
